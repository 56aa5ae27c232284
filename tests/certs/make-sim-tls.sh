#!/usr/bin/env bash
# Makes the simulated AMT 19's TLS material in OUTDIR with the openssl CLI, at test time (no
# private key is ever committed). Usage: make-sim-tls.sh OUTDIR
#
# The chain has the shape wsman.md 7.4 describes for AMT's On-Die CA (ODCA) chain, as AMT sends
# it before provisioning: six certificates, leaf first, the root not included:
#   [0] CN=AMT RCFG                                   AMT's TLS leaf (EC P-256 key)
#   [1] ... CSME AMT CA, [2] ... CSME Kernel CA       intermediates
#   [3] CN contains "ROM CA"; its issuer's OU starts with "ODCA 2 CSME P"
#   [4] OU=ODCA 2 CSME P-MTL, the issuer of [3]
#   [5] an On-Die intermediate, signed by the root
# Files: ondie-root.pem/.der (the root tests pass as --amt-ondie-root), amt-chain.pem and
# amt-leaf.key (what the device serves), bad-chain.pem and bad-leaf.key (the same shape from
# another root: the tls-bad-chain fault), post.pem and post.key (the single self-signed
# certificate a provisioned device serves until TLS is configured), and `done` when complete.
set -euo pipefail
out=${1:?usage: make-sim-tls.sh OUTDIR}
mkdir -p "$out"
cd "$out"
[ -f done ] && exit 0

cat > ext.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyAgreement
extendedKeyUsage = serverAuth
CNF

eckey() { openssl ecparam -name "$2" -genkey -noout -out "$1.key" 2>/dev/null; }
# issue NAME SUBJECT ISSUER EXTENSIONS CURVE
issue() {
  eckey "$1" "$5"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 3650 \
    -sha384 -extfile ext.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
}
# chain PREFIX ROOT-SUBJECT: a root and the six certificates it signs
chain() {
  local p=$1
  eckey "${p}root" secp384r1
  openssl req -new -x509 -key "${p}root.key" -subj "$2" -days 7300 -sha384 -config ext.cnf \
    -extensions root -out "${p}root.pem"
  issue "${p}i5" "/O=amtcfg tests/OU=OnDie CA CSME Intermediate CA/CN=amtcfg Test On Die CSME Intermediate CA" "${p}root" ca secp384r1
  issue "${p}i4" "/O=amtcfg tests/OU=ODCA 2 CSME P-MTL/CN=amtcfg Test ODCA CA 2 CSME P-MTL" "${p}i5" ca secp384r1
  issue "${p}i3" "/O=amtcfg tests/OU=CSME MTL/CN=amtcfg Test CSME MTL ROM CA" "${p}i4" ca secp384r1
  issue "${p}i2" "/O=amtcfg tests/OU=CSME MTL/CN=amtcfg Test CSME MTL Kernel CA" "${p}i3" ca secp384r1
  issue "${p}i1" "/O=amtcfg tests/OU=CSME MTL/CN=amtcfg Test CSME MTL AMT CA" "${p}i2" ca secp384r1
  issue "${p}leaf" "/CN=AMT RCFG" "${p}i1" leaf prime256v1
  cat "${p}leaf.pem" "${p}i1.pem" "${p}i2.pem" "${p}i3.pem" "${p}i4.pem" "${p}i5.pem"
}

chain "" "/C=US/O=amtcfg tests/OU=OnDie CA Root Cert Signing/CN=amtcfg Test On-Die CA Root" > amt-chain.pem
mv root.pem ondie-root.pem
mv root.key ondie-root.key
mv leaf.key amt-leaf.key
openssl x509 -in ondie-root.pem -outform DER -out ondie-root.der
chain bad- "/C=US/O=amtcfg tests/OU=OnDie CA Root Cert Signing/CN=amtcfg Test Impostor Root" > bad-chain.pem

eckey post prime256v1
openssl req -new -x509 -key post.key -subj "/CN=AMT 19 (amtcfg tests)" -days 3650 -sha256 \
  -config ext.cnf -extensions leaf -out post.pem
rm -f ./*.csr ./*.srl
chmod 600 ./*.key
touch done
