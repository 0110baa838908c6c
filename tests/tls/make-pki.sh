#!/bin/bash
# make-pki.sh DIR: a throwaway PKI for the TLS tests, made with certtool.
#
# Every certificate is RSA, and every end-entity certificate carries
# digitalSignature + keyEncipherment (libvirt refuses a TLS certificate
# without key encipherment). DIR gets one directory per role, each laid out
# the way libvirt's pkipath= expects, so a test passes ?pkipath=DIR/ROLE to
# virsh or points libvirtd.conf's key_file/cert_file/ca_file/crl_file at it:
#
#   client roles (cacert.pem clientcert.pem clientkey.pem cacrl.pem):
#     client-ok        CN=client1, signed by the CA, SAN IP 127.0.0.1
#     client-wrongca   signed by a second CA the server does not trust
#     client-expired   validity ended in 2020
#     client-future    validity starts in 2099
#     client-revoked   listed in cacrl.pem
#     client-dn        valid, but its DN is not in the tests' allowed list
#     client-noaddr    valid, allowed DN, names no address (address check)
#     client-nocert    only cacert.pem: the client sends no certificate
#   server roles (cacert.pem servercert.pem serverkey.pem cacrl.pem):
#     server-ok        CN=localhost, SAN DNS localhost, SAN IP 127.0.0.1
#     server-wrongca   signed by the second CA
#     server-expired, server-future, server-revoked: as for the client
#     server-mismatch  names wrong.example / 192.0.2.1 only
#   client-wrongkey, server-wrongkey: the -ok certificate with the key of
#     client-dn / server-expired, a pair that does not belong together
#
# The allowed DN list the tests use is "C=GB,O=Libvirt Test,CN=client*"
# (libvirt's DN order, country first), see ALLOWED_DN in tls-lib.sh.
set -eu

dir=${1:?usage: make-pki.sh DIR}
mkdir -p "$dir/work"
cd "$dir/work"

quiet() {
    local out
    if ! out=$("$@" 2>&1); then
        printf '%s\n' "$out" >&2
        return 1
    fi
}

key() {
    quiet certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$1"
}

# ca NAME CN
ca() {
    key "$1-key.pem"
    cat >"$1.info" <<EOF
cn = $2
ca
cert_signing_key
crl_signing_key
expiration_days = 3650
EOF
    quiet certtool --generate-self-signed --load-privkey "$1-key.pem" \
        --template "$1.info" --outfile "$1-cert.pem"
}

serial=100

# cert NAME CA KIND(client|server) SUBJECT-LINES [DATES-LINES]
cert() {
    local name=$1 ca=$2 kind=$3 subject=$4 dates=${5:-"expiration_days = 3650"}
    serial=$((serial + 1))
    key "$name-key.pem"
    {
        printf '%s\n' "$subject"
        printf 'serial = %d\n' "$serial"
        printf '%s\n' "$dates"
        printf 'tls_www_%s\nencryption_key\nsigning_key\n' "$kind"
    } >"$name.info"
    quiet certtool --generate-certificate --load-privkey "$name-key.pem" \
        --load-ca-certificate "$ca-cert.pem" --load-ca-privkey "$ca-key.pem" \
        --template "$name.info" --outfile "$name-cert.pem"
}

client_subject='country = GB
organization = Libvirt Test
cn = client1
ip_address = 127.0.0.1'
server_subject='organization = Libvirt Test
cn = localhost
dns_name = localhost
ip_address = 127.0.0.1'
expired='activation_date = "2019-01-01 00:00:00"
expiration_date = "2020-01-01 00:00:00"'
future='activation_date = "2099-01-01 00:00:00"
expiration_date = "2100-01-01 00:00:00"'

ca ca "Libvirt Test CA"
ca ca2 "Some Other CA"

cert client-ok ca client "$client_subject"
cert client-wrongca ca2 client "$client_subject"
cert client-expired ca client "$client_subject" "$expired"
cert client-future ca client "$client_subject" "$future"
cert client-revoked ca client "$client_subject"
cert client-dn ca client 'country = GB
organization = Intruders Ltd
cn = mallory
ip_address = 127.0.0.1'
cert client-noaddr ca client 'country = GB
organization = Libvirt Test
cn = client2'

cert server-ok ca server "$server_subject"
cert server-wrongca ca2 server "$server_subject"
cert server-expired ca server "$server_subject" "$expired"
cert server-future ca server "$server_subject" "$future"
cert server-revoked ca server "$server_subject"
cert server-mismatch ca server 'organization = Libvirt Test
cn = wrong.example
dns_name = wrong.example
ip_address = 192.0.2.1'

cat client-revoked-cert.pem server-revoked-cert.pem >revoked.pem
printf 'expiration_days = 3650\n' >crl.info
quiet certtool --generate-crl --load-ca-privkey ca-key.pem --load-ca-certificate ca-cert.pem \
    --load-certificate revoked.pem --template crl.info --outfile crl.pem

for role in client-ok client-wrongca client-expired client-future client-revoked \
    client-dn client-noaddr client-nocert server-ok server-wrongca server-expired \
    server-future server-revoked server-mismatch; do
    mkdir -p "../$role/private"
    cp ca-cert.pem "../$role/cacert.pem"
    cp crl.pem "../$role/cacrl.pem"
    kind=${role%%-*}
    if [ "$role" != client-nocert ]; then
        cp "$role-cert.pem" "../$role/${kind}cert.pem"
        cp "$role-key.pem" "../$role/${kind}key.pem"
        # libvirtd.conf-style names under private/ as well, like /etc/pki.
        cp "$role-key.pem" "../$role/private/${kind}key.pem"
    fi
done
for kind in client server; do
    ok=../$kind-ok wrong=../$kind-wrongkey
    mkdir -p "$wrong/private"
    cp "$ok/cacert.pem" "$ok/cacrl.pem" "$ok/${kind}cert.pem" "$wrong/"
    other=$([ $kind = client ] && echo client-dn || echo server-expired)
    cp "$other-key.pem" "$wrong/${kind}key.pem"
    cp "$other-key.pem" "$wrong/private/${kind}key.pem"
done
# The CA the client trusts when the test is "the client trusts another CA".
mkdir -p ../ca2
cp ca2-cert.pem ../ca2/cacert.pem
