#!/bin/sh
# Regenerates the agent uplink test certificates (valid for 100 years). Test
# use only: the keys are public. Run from this folder.
set -eu
days=36500
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

openssl req -x509 $ec -keyout ca.key -out ca.pem -days $days \
    -subj "/CN=ContractSync uplink test CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
openssl req -x509 $ec -keyout other-ca.key -out other-ca.pem -days $days \
    -subj "/CN=ContractSync unrelated test CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign

leaf() {  # leaf NAME SUBJECT_ALT_NAMES
    openssl req $ec -keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$2" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days $days \
        -extfile "$1.ext" -out "$1.pem"
    rm -f "$1.csr" "$1.ext"
}
leaf server "DNS:localhost,IP:127.0.0.1,IP:::1"
leaf wrong-host "DNS:relay.invalid"
rm -f ca.srl ca.key other-ca.key
