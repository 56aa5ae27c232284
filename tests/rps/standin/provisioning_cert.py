"""The ACM provisioning certificate (wsman.md 7.2) through the openssl command line: the chain
leaf -> root as DER, the root's fingerprints, and the AdminSetup signature."""

import base64
import hashlib
import os
import re
import subprocess
import tempfile


class CertError(Exception):
    pass


def _openssl(args, env=None, data=None):
    result = subprocess.run(["openssl", *args], input=data, capture_output=True, env=env)
    if result.returncode != 0:
        raise CertError(f"openssl {args[0]} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


def _pem_blocks(text):
    return re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", text, re.S)


def _der(pem):
    body = "".join(pem.splitlines()[1:-1])
    return base64.b64decode(body)


def _names(pem):
    out = _openssl(["x509", "-noout", "-subject", "-issuer", "-nameopt", "RFC2253"],
                   data=pem.encode()).decode()
    subject = re.search(r"^subject=(.*)$", out, re.M).group(1).strip()
    issuer = re.search(r"^issuer=(.*)$", out, re.M).group(1).strip()
    return subject, issuer


class ProvisioningCert:
    """Loaded from a PFX; the key stays in a 0700 temporary directory until close()."""

    def __init__(self, pfx_path, password):
        self._dir = tempfile.TemporaryDirectory(prefix="standin-pfx-")
        # The password goes through the environment, never argv.
        env = dict(os.environ, STANDIN_PFX_PASSWORD=password)
        common = ["-in", pfx_path, "-passin", "env:STANDIN_PFX_PASSWORD"]
        certs = _openssl(["pkcs12", *common, "-nokeys"], env=env).decode()
        self.key_path = os.path.join(self._dir.name, "key.pem")
        _openssl(["pkcs12", *common, "-nocerts", "-nodes", "-out", self.key_path], env=env)
        self.chain = self._order([(pem, *_names(pem)) for pem in _pem_blocks(certs)])

    @staticmethod
    def _order(entries):
        """leaf -> intermediates -> root by subject/issuer, as RPS orders by issuer."""
        if not entries:
            raise CertError("the PFX holds no certificate")
        issuers = {issuer for _, subject, issuer in entries if subject != issuer}
        leaves = [e for e in entries if e[1] not in issuers]
        if len(leaves) != 1:
            raise CertError("the PFX chain has no single leaf")
        chain, current = [leaves[0]], leaves[0]
        while current[1] != current[2]:
            nxt = next((e for e in entries if e[1] == current[2] and e not in chain), None)
            if nxt is None:
                raise CertError("the PFX chain does not end in a self-signed root")
            chain.append(nxt)
            current = nxt
        return [_der(pem) for pem, _, _ in chain]

    def root_fingerprints(self):
        root = self.chain[-1]
        return {hashlib.sha256(root).hexdigest(), hashlib.sha1(root).hexdigest()}

    def sign(self, data):
        """RSA PKCS#1 v1.5 with SHA-256 over data (ConfigurationNonce || McNonce)."""
        return _openssl(["dgst", "-sha256", "-sign", self.key_path], data=data)

    def close(self):
        self._dir.cleanup()
