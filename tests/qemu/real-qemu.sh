#!/bin/bash
# real-qemu.sh start|stop|restart|status|uri DIR
#
# The REAL libvirtd of Debian 12 (libvirt 9.0) with only its QEMU driver, as
# root, with all of its state under DIR: a private mount namespace puts
# DIR/etc/libvirt, DIR/run, DIR/var/lib, DIR/var/log and DIR/var/cache where
# the daemon expects /etc/libvirt, /run, ... Several DIRs run side by side.
# The conformance oracle of the QEMU tests (docs/testing-qemu.md).
#
#   start DIR    start the daemon unless it already answers, wait until it
#                does, print its URI on stdout:
#                  qemu+unix:///system?socket=DIR/sock/libvirt-sock
#                QEMU processes an earlier daemon of DIR left running are
#                kept: the new daemon reconnects to them.
#   restart DIR  SIGTERM to the daemon only (its domains keep running, as on
#                a host whose libvirtd restarts), then start
#   stop DIR     destroy the running domains, stop the daemon, stop every
#                process left from DIR; returns once none is left. DIR stays.
#   status DIR   exit 0 if the daemon of DIR answers, 1 if not
#   uri DIR      print the URI
#
# Exit status: 0; 1 with a message on stderr (missing packages included:
# scripts/install-deps.sh installs them); 2 on bad usage. Every wait is
# bounded.
#
# Env: REAL_LIBVIRTD_CAPS_CACHE=DIR2  keep libvirt's QEMU capabilities cache
#        in DIR2: copied into a fresh DIR at start, saved after start and
#        stop (start then takes ~0.3 s instead of 1.5-4 s of probing)
#      REAL_LIBVIRTD_QEMU_USER=root|libvirt-qemu  whom QEMU runs as (root)
#      REAL_LIBVIRTD_EXTRA_DRIVERS="storage ..."  more of libvirt's drivers
#      REAL_LIBVIRTD_TLS=PORT:PKIDIR  also listen with TLS on 127.0.0.1:PORT
#        (PKIDIR/cacert.pem, servercert.pem, serverkey.pem; auth none)
#      REAL_LIBVIRTD_LOG_FILTERS  default "1:qemu.qemu_monitor 3:*"
#      REAL_LIBVIRTD_READY_TIMEOUT  seconds start waits for an answer (180)
#      REAL_LIBVIRTD_PIN_CPU=N|none  the CPU libvirtd runs on (default: the
#        lowest one allowed; keeps libvirt's capabilities cache valid).
#        Read when DIR's reaper starts (see realqemu.py).
#
# In DIR: libvirtd.log (the daemon's log, QMP included), daemon.log (its
# stdout and stderr), etc/libvirt/qemu.conf (generated unless you wrote one
# first), and what the daemon keeps at the system paths, under DIR.
if [ ! -x /usr/bin/python3 ]; then
    echo "real-qemu.sh: error: /usr/bin/python3 not found (Debian package python3)" >&2
    exit 1
fi
exec /usr/bin/python3 -I -S "$(dirname "$0")/realqemu.py" "$@"
