"""What RPS checks in a client's message before it drives AMT (rps-protocol.md sections 1-3)."""

import base64
import binascii
import json
import re

PROTOCOL_VERSION = "4.0.0"

# RPS CommandParser: minimist with these types and aliases.
_STRING_OPTIONS = {"text", "password"}
_BOOLEAN_OPTIONS = {"force", "synctime", "syncip", "changepassword", "synchostname"}
_ALIASES = {"t": "text", "p": "password", "f": "force", "e": "encrypted"}
_INVALID_UUIDS = {"00000000-0000-0000-0000-000000000000", "03000200-0400-0500-0006-000700080009"}
# Validator.verifyAMTVersion: these need build >= 3000 (INTEL-SA-00075).
_SA_00075_VERSIONS = {7.0, 7.1, 8.0, 8.1, 9.0, 9.1, 9.5, 10.0, 11.0, 11.5, 11.6}


class Refusal(Exception):
    """RPS answers the client with method "error" and this text."""


def _number_or_text(text):
    return float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else text


def parse_command(line):
    """minimist over line.split(' ') with RPS's options: returns (positional, options)."""
    words = line.strip().split(" ")
    positional, options, i = [], {}, 0

    def set_option(key, value):
        key = _ALIASES.get(key, key)
        if key in _STRING_OPTIONS and value is True:
            value = ""
        options[key] = value

    def takes_value(key):
        return _ALIASES.get(key, key) not in _BOOLEAN_OPTIONS

    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if word.startswith("--") and len(word) > 2:
            key, eq, value = word[2:].partition("=")
            if eq:
                set_option(key, value)
            elif takes_value(key) and nxt is not None and not nxt.startswith("-"):
                set_option(key, nxt if _ALIASES.get(key, key) in _STRING_OPTIONS
                           else _number_or_text(nxt))
                i += 1
            else:
                set_option(key, True)
        elif word.startswith("-") and len(word) > 1:
            letters = word[1:]
            for letter in letters[:-1]:  # a cluster: every letter but the last is a flag
                set_option(letter, True)
            last = letters[-1]
            if takes_value(last) and nxt is not None and not nxt.startswith("-"):
                set_option(last, nxt)
                i += 1
            else:
                set_option(last, True)
        elif word:
            positional.append(word)
        i += 1
    return positional, options


def parse_envelope(text):
    """The client's JSON envelope; refuses a protocolVersion other than 4.0.0."""
    try:
        msg = json.loads(text)
    except ValueError as error:
        raise Refusal(f"Failed to parse client message. {error}")
    if not isinstance(msg, dict) or not isinstance(msg.get("method"), str):
        raise Refusal("Failed to parse client message. No method.")
    version = msg.get("protocolVersion")
    if version != PROTOCOL_VERSION:
        raise Refusal(f"protocol version NOT supported: {version}")
    return msg


def decode_payload(msg):
    """The base64 JSON activation payload; client, ver, build and uuid are required."""
    try:
        payload = json.loads(base64.b64decode(msg.get("payload") or "", validate=True))
    except (binascii.Error, ValueError) as error:
        raise Refusal(f"Failed to parse client message payload. {error}")
    if not isinstance(payload, dict) or not all(
            payload.get(k) for k in ("client", "ver", "build", "uuid")):
        raise Refusal("Invalid payload from client")
    return payload


def apply_command(msg, payload):
    """Puts the command line's profile, password, force and task into the payload; returns
    the command word (activate, deactivate, maintenance)."""
    positional, options = parse_command(msg["method"])
    command = options.get("text") or (positional[0] if positional else "")
    if "profile" in options:
        payload["profile"] = str(options["profile"])
    if options.get("password"):
        payload["password"] = options["password"]
    if options.get("force"):
        payload["force"] = True
    if command == "maintenance":
        for task in ("synctime", "syncip", "changepassword", "synchostname", "syncdeviceinfo"):
            if options.get(task):
                payload["task"] = task
                if task == "changepassword" and len(positional) > 1:
                    payload["taskArg"] = positional[1]
                break
    return command


def verify_uuid(payload, client_id):
    uuid = payload["uuid"]
    if not isinstance(uuid, str) or len(uuid) != 36:
        raise Refusal(f"{client_id} - uuid not valid length")
    if not re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", uuid) or \
            uuid.lower() in _INVALID_UUIDS:
        raise Refusal(f"Device {uuid} has an invalid UUID.")


def verify_amt_version(payload, action):
    try:
        version = float(re.match(r"\d+(\.\d+)?", str(payload["ver"])).group(0))
        build = int(str(payload["build"]))
    except (AttributeError, ValueError):
        raise Refusal(f"Device {payload['uuid']} {action} failed. AMT version: "
                      f"{payload['ver']}. Version less than 7 cannot be remotely configured ")
    if version in _SA_00075_VERSIONS and build < 3000:
        raise Refusal(f"Device {payload['uuid']} {action} failed. Please check with your OEM "
                      "for a firmware update.")
    if version < 7:
        raise Refusal(f"Device {payload['uuid']} {action} failed. AMT version: "
                      f"{payload['ver']}. Version less than 7 cannot be remotely configured ")


def verify_password_matches(payload, vault_entry):
    if not vault_entry or payload.get("password") != vault_entry.get("amt_password"):
        raise Refusal(f"AMT password DOES NOT match stored version for Device {payload['uuid']}")


def verify_acm(payload, profile):
    uuid = payload["uuid"]
    if not payload.get("certHashes"):
        raise Refusal(f"Device {uuid} activation failed. Missing certificate hashes from the device.")
    if not payload.get("fqdn") and payload.get("currentMode") != 2:
        raise Refusal(f"Device {uuid} activation failed. Missing DNS Suffix.")
    if payload.get("fqdn") != profile.get("domain_suffix") and payload.get("currentMode") != 2:
        raise Refusal(f"Device {uuid} activation failed. Specified AMT domain suffix: "
                      f"{payload.get('fqdn')} does not match list of available AMT domain suffixes.")
