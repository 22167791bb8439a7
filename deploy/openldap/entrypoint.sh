#!/bin/sh
# Start slapd. The first time (no marker in the data volume) build the configuration and load
# /seed/seed.ldif through a running server: the memberOf overlay writes users' memberOf only
# for entries added online, never with slapadd. Later starts reuse the volumes as they are.
set -eu

CONFIG_DIR=/etc/ldap/slapd.d
DATA_DIR=/var/lib/ldap
SEEDED="$DATA_DIR/.seeded"

mkdir -p /run/slapd
chown openldap:openldap /run/slapd

if [ ! -f "$SEEDED" ]; then
    echo "slapd-entrypoint: creating the directory from /seed/seed.ldif"
    rm -rf "${CONFIG_DIR:?}"/* "${DATA_DIR:?}"/*
    slapadd -n 0 -F "$CONFIG_DIR" -l /usr/local/share/slapd/config.ldif
    chown -R openldap:openldap "$CONFIG_DIR" "$DATA_DIR"
    slapd -h ldapi:/// -u openldap -g openldap -F "$CONFIG_DIR"
    tries=0
    until ldapsearch -Q -Y EXTERNAL -H ldapi:/// -b "" -s base >/dev/null 2>&1; do
        tries=$((tries + 1))
        [ "$tries" -lt 100 ] || { echo "slapd-entrypoint: slapd did not start" >&2; exit 1; }
        sleep 0.1
    done
    ldapadd -Q -Y EXTERNAL -H ldapi:/// -f /seed/seed.ldif
    kill "$(cat /run/slapd/slapd.pid)"
    while [ -f /run/slapd/slapd.pid ]; do sleep 0.1; done
    touch "$SEEDED"
fi

exec slapd -h "ldap:/// ldapi:///" -u openldap -g openldap -F "$CONFIG_DIR" -d 0
