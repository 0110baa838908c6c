#!/bin/bash
# virt-ssh-helper through a real sshd on loopback: real virsh connects to
# test+ssh://root@127.0.0.1:PORT/default, runs virt-ssh-helper on the
# "remote" (found on sshd's PATH, no netcat, no listening socket), which
# serves the connection with our libvirtd on stdio.
#
# Usage: LIBVIRTD=build/src/libvirtd [SSH_HELPER=build/src/virt-ssh-helper] tests/deploy/ssh.sh

. "$(dirname "$0")/common.sh"
deploy_need_libvirtd
deploy_need_virsh
SSH_HELPER=${SSH_HELPER:-$(dirname "$LIBVIRTD")/virt-ssh-helper}
[ -x "$SSH_HELPER" ] || { echo "SSH_HELPER='$SSH_HELPER' is not an executable" >&2; exit 1; }
it_need /usr/sbin/sshd openssh-server
it_need ssh openssh-client
it_need ssh-keygen openssh-client
it_need ss iproute2
it_need prlimit util-linux
[ "$(id -u)" -eq 0 ] || it_skip "sshd needs root to log a user in"
it_setup

D=$IT_DIR/ssh
mkdir -p "$D/bin" && chmod 0755 "$IT_DIR" "$D"
# sshd refuses to start without its privilege separation directory.
[ -d /run/sshd ] || mkdir -p -m 0755 /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$D/hostkey" || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$D/clientkey" || exit 1
cp "$D/clientkey.pub" "$D/authorized_keys"
ln -s "$SSH_HELPER" "$D/bin/virt-ssh-helper"

cat >"$D/libvirtd.conf" <<CONF
log_outputs = "2:file:$D/libvirtd.log"
CONF
# start_sshd PORT: sshd on 127.0.0.1:PORT (SSHD); returns 2 when PORT is
# in use.
start_sshd() {
    cat >"$D/sshd_config" <<CONF
Port $1
ListenAddress 127.0.0.1
HostKey $D/hostkey
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
# Our helper ahead of any other on the PATH of the remote command.
SetEnv PATH=$D/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LIBVIRTD_CONFIG=$D/libvirtd.conf
LogLevel VERBOSE
CONF
    /usr/sbin/sshd -t -f "$D/sshd_config" || return 1
    /usr/sbin/sshd -D -e -f "$D/sshd_config" </dev/null >"$D/sshd.log" 2>&1 &
    SSHD=$!
    IT_PIDS+=("$SSHD")
    it_wait_listen "$1" "$SSHD" "$D/sshd.log"
}
it_on_free_port PORT start_sshd {} || exit 1

# virsh runs `command` as its ssh: keep every trace out of ~/.ssh.
cat >"$D/ssh" <<SH
#!/bin/sh
exec ssh -F /dev/null -o UserKnownHostsFile=$D/known_hosts -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=accept-new -o BatchMode=yes -o IdentitiesOnly=yes "\$@"
SH
chmod +x "$D/ssh"

URI="test+ssh://root@127.0.0.1:$PORT/default?keyfile=$D/clientkey&command=$D/ssh&no_tty=1"
VIRSH=virsh
expect_output "real virsh reaches our libvirtd over ssh" "Domain 'test' destroyed" \
    vsh "$URI" 'list --all; destroy test; list --all'
expect_output "real virsh over ssh with proxy=native" " test " vsh "$URI&proxy=native" 'list --all'
expect_output "real virsh over ssh read-only (virt-ssh-helper -r)" "read only access prevents" \
    vsh_ro "$URI" 'destroy test'
# Our virsh does not run virt-ssh-helper (yet): its ssh transport runs
# `$LIBVIRT_REMOTE_LIBVIRTD --stdio` on the remote with proxy=native.
VIRSH=$OUR_VIRSH
LIBVIRT_REMOTE_LIBVIRTD=$LIBVIRTD expect_output "our virsh reaches our libvirtd over ssh" \
    "Domain 'test' destroyed" vsh "$URI&proxy=native" 'list --all; destroy test'
VIRSH=virsh
sleep 0.3
check "the connection was served by our libvirtd through our helper" \
    grep -q "client ssh 127.0.0.1:[0-9]* uid=0 connected on unix-rw" "$D/libvirtd.log"
check "read-only was passed on" grep -q "connected on unix-ro (read-only)" "$D/libvirtd.log"
check "no netcat was involved" bash -c "! grep -q ' nc ' '$D/sshd.log'"

# A --stdio connection's process carries connection_memory_limit and
# connection_tasks_limit as RLIMIT_AS and RLIMIT_NPROC: libvirtd --stdio
# with no key set, and as virt-ssh-helper execs it with the keys set.
: >"$D/empty.conf"
LIBVIRTD_CONFIG=$D/empty.conf expect_limits \
    "a --stdio connection has the default limits (1024 MiB, 16 tasks)" 1024 16 \
    stdio "$LIBVIRTD" --stdio
printf 'connection_memory_limit = 384\nconnection_tasks_limit = 6\n' >"$D/limits.conf"
LIBVIRTD_CONFIG=$D/limits.conf expect_limits \
    "a --stdio connection through virt-ssh-helper has the configured limits (384 MiB, 6 tasks)" \
    384 6 stdio "$SSH_HELPER" test:///default

# The helper on its own: usage errors and a bad URI.
expect_output "virt-ssh-helper without a URI prints usage" "Usage: virt-ssh-helper" "$SSH_HELPER"
expect_output "virt-ssh-helper rejects what is not a URI" "is not a libvirt URI" "$SSH_HELPER" nonsense

finish
