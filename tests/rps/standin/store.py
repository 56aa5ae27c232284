"""The stand-in's files: profiles (read), the Vault state (read/written), the event record."""

import json
import os
import tempfile

_ACTIVATIONS = ("ccm", "acm")
_CONSENT = ("none", "kvm", "all")


class ConfigError(Exception):
    pass


def load_profiles(path):
    """{"profiles": {NAME: {...}}}, checked so that a test's typo fails at start, not mid-flow."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    profiles = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(profiles, dict):
        raise ConfigError(f"{path}: expected an object with a 'profiles' object")
    for name, profile in profiles.items():
        where = f"{path}: profile {name!r}"
        if profile.get("activation") not in _ACTIVATIONS:
            raise ConfigError(f"{where}: 'activation' must be ccm or acm")
        if not isinstance(profile.get("admin_password"), str):
            raise ConfigError(f"{where}: 'admin_password' (string) is required")
        if profile["activation"] == "acm":
            for key in ("domain_suffix", "provisioning_cert", "provisioning_cert_password"):
                if not isinstance(profile.get(key), str):
                    raise ConfigError(f"{where}: ACM needs '{key}' (string)")
        redirection = profile.setdefault("redirection", {})
        for key in ("kvm", "sol", "ider"):
            if not isinstance(redirection.setdefault(key, False), bool):
                raise ConfigError(f"{where}: redirection.{key} must be a boolean")
        if redirection.setdefault("user_consent", "all") not in _CONSENT:
            raise ConfigError(f"{where}: redirection.user_consent must be none, kvm or all")
    return profiles


def write_atomically(path, data):
    """Temporary file in the same directory, 0600, fsync, rename: a reader never sees half."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".standin-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


class Vault:
    """RPS keeps device secrets in Vault (devices/<uuid>: AMT_PASSWORD, MEBX_PASSWORD); the
    stand-in keeps them in a JSON file {"devices": {uuid: {"amt_password", "mebx_password"}}}."""

    def __init__(self, path):
        self.path = path
        self.devices = {}

    def load(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                self.devices = json.load(f).get("devices", {})
        except FileNotFoundError:
            self.devices = {}

    def get(self, uuid):
        return self.devices.get(uuid.lower())

    def put(self, uuid, amt_password, mebx_password=None):
        self.devices[uuid.lower()] = {"amt_password": amt_password, "mebx_password": mebx_password}
        self._save()

    def remove(self, uuid):
        if self.devices.pop(uuid.lower(), None) is not None:
            self._save()

    def _save(self):
        write_atomically(self.path, json.dumps({"devices": self.devices}, indent=1) + "\n")


class Recorder:
    """One JSON object per line, flushed at once, so a test reads what happened so far."""

    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8")

    def event(self, kind, /, **fields):
        self._file.write(json.dumps({"event": kind, **fields}) + "\n")
        self._file.flush()
