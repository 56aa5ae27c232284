#!/usr/bin/env bash
# Makes the wss certificates of the RPS stand-in's tests into OUTDIR with the openssl CLI, so no
# private key is committed. Usage: make-rps-tls.sh OUTDIR. Files:
#   rps-ca.pem, rps-ca.key             test CA (what a client is told to trust: --server-ca)
#   rps-server.pem, rps-server.key     server certificate for 127.0.0.1 (SAN IP:127.0.0.1 and
#                                      DNS:localhost), signed by rps-ca: --tls-cert/--tls-key
#   rps-other-ca.pem, rps-other-ca.key another CA that nobody trusts
#   rps-untrusted.pem, .key            the same names, signed by rps-other-ca (verification fails)
#   rps-wrong-host.pem, .key           signed by rps-ca, but for DNS:rps.invalid only (name fails)
#   done                               marker: the directory is complete
set -euo pipefail
out=${1:?usage: make-rps-tls.sh OUTDIR}
mkdir -p "$out"
cd "$out"
[ -f done ] && exit 0

cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
[wrong]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:rps.invalid
CNF

ca() { # name, subject
  openssl genrsa -out "$1.key" 2048 2>/dev/null
  openssl req -new -x509 -key "$1.key" -subj "$2" -days 3650 -sha256 -extensions ca \
    -config <(printf '[req]\ndistinguished_name=dn\n[dn]\n'; cat ext.cnf) -out "$1.pem"
}
issue() { # name, subject, CA, extensions section
  openssl genrsa -out "$1.key" 2048 2>/dev/null
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 825 \
    -sha256 -extfile ext.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr"
}

ca rps-ca "/CN=amtcfg RPS Test CA/O=amtcfg tests"
ca rps-other-ca "/CN=amtcfg Untrusted Test CA/O=amtcfg tests"
issue rps-server "/CN=127.0.0.1/O=amtcfg tests" rps-ca server
issue rps-untrusted "/CN=127.0.0.1/O=amtcfg tests" rps-other-ca server
issue rps-wrong-host "/CN=rps.invalid/O=amtcfg tests" rps-ca wrong
chmod 600 ./*.key
touch done
