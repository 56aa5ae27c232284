#!/usr/bin/env bash
# Generates the crypto unit tests' certificates, keys and PKCS#12 files into OUTDIR with the
# openssl CLI, so no private key is ever committed. Usage: make-test-certs.sh OUTDIR
set -euo pipefail
out=${1:?usage: make-test-certs.sh OUTDIR}
mkdir -p "$out"
cd "$out"
pw=test-pfx-pw

cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[amt]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, 2.16.840.1.113741.1.2.3
[server]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
CNF

key() { openssl genrsa -out "$1.key" 2048 2>/dev/null; }
# self-signed CA: name, subject, digest
root() {
  key "$1"
  openssl req -new -x509 -key "$1.key" -subj "$2" -days 3650 "-$3" -extensions ca \
    -config <(printf '[req]\ndistinguished_name=dn\n[dn]\n'; cat ext.cnf) -out "$1.pem"
}
# signed certificate: name, subject, issuer, extensions section, digest
issue() {
  [ -f "$1.key" ] || key "$1"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 825 \
    "-$5" -extfile ext.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
}
pfx() { # name, leaf, chain files...
  local name=$1 leaf=$2; shift 2
  cat "$@" > "$name.chain.pem"
  openssl pkcs12 -export -passout "pass:$pw" -inkey "$leaf.key" -in "$leaf.pem" \
    -certfile "$name.chain.pem" -out "$name.pfx"
}

root root "/CN=amtcfg Test Root CA/O=amtcfg tests" sha256
issue inter "/CN=amtcfg Test Intermediate CA/O=amtcfg tests" root ca sha256
issue leaf "/CN=prov.example.com/O=amtcfg tests" inter amt sha256
issue noeku "/CN=prov.example.com/O=amtcfg tests" inter server sha256
issue ou "/CN=prov.example.com/OU=Intel(R) Client Setup Certificate/O=amtcfg tests" inter server sha256
issue wrongcn "/CN=prov.other.org/O=amtcfg tests" inter amt sha256
issue sha1leaf "/CN=prov.example.com/O=amtcfg tests" inter amt sha1
root root384 "/CN=amtcfg Test SHA-384 Root CA/O=amtcfg tests" sha384
issue leaf384 "/CN=amt.example.com/O=amtcfg tests" root384 amt sha384

# An expired leaf needs explicit dates, which only `openssl ca` can set.
mkdir -p ca && : > ca/index.txt && echo 1000 > ca/serial
cat > ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = ca/index.txt
new_certs_dir = ca
serial = ca/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
organizationName = optional
CNF
key expired
openssl req -new -key expired.key -subj "/CN=prov.example.com/O=amtcfg tests" -out expired.csr
openssl ca -batch -config ca.cnf -cert inter.pem -keyfile inter.key -in expired.csr \
  -startdate 20200101000000Z -enddate 20210101000000Z -extfile ext.cnf -extensions amt \
  -notext -out expired.pem 2>/dev/null

# Chains are given root first on purpose: the loader must reorder them.
pfx good leaf root.pem inter.pem
pfx noeku noeku root.pem inter.pem
pfx ou ou inter.pem root.pem
pfx wrongcn wrongcn root.pem inter.pem
pfx expired expired root.pem inter.pem
pfx sha1 sha1leaf root.pem inter.pem
pfx sha384 leaf384 root384.pem
pfx nochain leaf inter.pem
pfx extra leaf root384.pem root.pem inter.pem
openssl pkcs12 -export -legacy -passout "pass:$pw" -inkey leaf.key -in leaf.pem \
  -certfile good.chain.pem -out legacy.pfx 2>/dev/null
openssl pkcs12 -export -nokeys -passout "pass:$pw" -in leaf.pem -certfile good.chain.pem \
  -out nokey.pfx
openssl ecparam -name prime256v1 -genkey -noout -out ec.key
openssl req -new -key ec.key -subj "/CN=prov.example.com" -out ec.csr
openssl x509 -req -in ec.csr -CA inter.pem -CAkey inter.key -CAcreateserial -days 825 \
  -extfile ext.cnf -extensions amt -out ec.pem 2>/dev/null
pfx ec ec root.pem inter.pem

# Reference values computed by the openssl CLI, independent of amtcfg's code.
for name in root root384 leaf; do
  openssl x509 -in "$name.pem" -outform DER -out "$name.der"
  for alg in sha1 sha256 sha384 sha512; do
    openssl dgst "-$alg" -r "$name.der" | cut -d' ' -f1 > "$name.$alg"
  done
done
printf '\x01%.0s' $(seq 20) > nonces.bin
printf '\x02%.0s' $(seq 20) >> nonces.bin
openssl dgst -sha256 -sign leaf.key -out nonces.sig nonces.bin
base64 -w0 nonces.sig > nonces.sig.b64
touch done
