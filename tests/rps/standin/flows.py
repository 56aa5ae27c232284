"""What RPS drives through the relay: activation (CCM, ACM via AdminSetup), features,
deactivation and maintenance (rps-protocol.md section 6; wsman.md sections 6, 7.1, 7.2, 9)."""

import base64
import hashlib
import os
import re
import time

from .http_wire import Digest, md5_hex
from .provisioning_cert import CertError, ProvisioningCert
from .session import FlowError
from .validator import Refusal

GENERAL_SETTINGS_SELECTOR = {"InstanceID": "Intel(r) AMT: General Settings"}
_CONSENT = {"none": 0, "kvm": 1, "all": 4294967295}
_NOT_CONFIGURED = "Not Configured"


def _status(text):
    return {"Status": text, "Network": _NOT_CONFIGURED, "CIRAConnection": _NOT_CONFIGURED,
            "TLSConfiguration": _NOT_CONFIGURED}


def _read_realm(session, digest):
    answer = session.call(session.envelopes.get("AMT_GeneralSettings"), digest)
    realm = answer.value("DigestRealm") or ""
    if not re.fullmatch(r"Digest:[0-9A-Fa-f]{32}", realm):  # Validator.isDigestRealmValid
        raise FlowError(f"Device {session.uuid} activation failed. Invalid digest realm.")
    return answer, realm


def _expect_zero(answer, message):
    if answer.return_value() != 0:
        raise FlowError(f"{message} (ReturnValue {answer.return_value()})")


def configure_features(session, digest, redirection):
    """RPS featuresConfiguration: redirection services, KVM, listener, user consent."""
    session.progress("configuring redirection and user consent")
    env = session.envelopes
    service = session.call(env.get("AMT_RedirectionService"), digest)
    opt_in = session.call(env.get("IPS_OptInService"), digest)
    state = 32768 + (1 if redirection["ider"] else 0) + (2 if redirection["sol"] else 0)
    answer = session.call(env.method("AMT_RedirectionService", "RequestStateChange",
                                     [("RequestedState", state)]), digest)
    _expect_zero(answer, "Failed to set the redirection state")
    answer = session.call(env.method("CIM_KVMRedirectionSAP", "RequestStateChange",
                                     [("RequestedState", 2 if redirection["kvm"] else 3)]), digest)
    _expect_zero(answer, "Failed to set the KVM state")
    listener = redirection["kvm"] or redirection["sol"] or redirection["ider"]
    properties = [(k, v) for k, v in service.properties() if k != "ListenerEnabled"]
    properties.append(("ListenerEnabled", "true" if listener else "false"))
    session.call(env.put("AMT_RedirectionService", properties), digest)
    wanted = str(_CONSENT[redirection["user_consent"]])
    if opt_in.value("OptInRequired") != wanted:
        properties = [(k, wanted if k == "OptInRequired" else v) for k, v in opt_in.properties()]
        session.call(env.put("IPS_OptInService", properties), digest)


def _admin_setup(session, digest, profile, ha1):
    try:
        cert = ProvisioningCert(profile["provisioning_cert"], profile["provisioning_cert_password"])
    except (CertError, OSError) as error:
        raise FlowError(f"Device {session.uuid} Failed to get provisioning certificate. {error}")
    try:
        hashes = {h.lower() for h in session.payload.get("certHashes") or []}
        if not cert.root_fingerprints() & hashes:
            raise FlowError("Invalid domain certificate, hash does not exists in list of "
                            "trusted root certificates on AMT")
        env = session.envelopes
        setup = session.call(env.get("IPS_HostBasedSetupService"), digest)
        fw_nonce = base64.b64decode(setup.value("ConfigurationNonce") or "")
        for i, der in enumerate(cert.chain):
            answer = session.call(env.method("IPS_HostBasedSetupService", "AddNextCertInChain", [
                ("NextCertificate", base64.b64encode(der).decode()),
                ("IsLeafCertificate", i == 0), ("IsRootCertificate", i == len(cert.chain) - 1)]),
                digest)
            _expect_zero(answer, f"Device {session.uuid} activation failed. Error while adding "
                                 "the certificates to AMT.")
        mc_nonce = os.urandom(20)  # "AMT only accepts a nonce that is 20 bytes long"
        signature = cert.sign(fw_nonce + mc_nonce)
        return session.call(env.method("IPS_HostBasedSetupService", "AdminSetup", [
            ("NetAdminPassEncryptionType", 2), ("NetworkAdminPassword", ha1),
            ("McNonce", base64.b64encode(mc_nonce).decode()), ("SigningAlgorithm", 2),
            ("DigitalSignature", base64.b64encode(signature).decode())]), digest)
    finally:
        cert.close()


def activate(session, profile, vault):
    payload = session.payload
    if payload.get("currentMode", 0) != 0:
        return _reactivate(session, profile, vault)
    acm = profile["activation"] == "acm"
    password = profile["admin_password"]
    digest = Digest(payload.get("username") or "$$OsAdmin", payload["password"])
    session.progress("reading the digest realm")
    _, realm = _read_realm(session, digest)
    ha1 = md5_hex(f"admin:{realm}:{password}")
    if acm:
        session.progress("activating in admin control mode")
        answer = _admin_setup(session, digest, profile, ha1)
        _expect_zero(answer, "Failed to activate in admin control mode.")
        status = _status("Admin control mode.")
    else:
        session.progress("activating in client control mode")
        answer = session.call(session.envelopes.method("IPS_HostBasedSetupService", "Setup", [
            ("NetAdminPassEncryptionType", 2), ("NetworkAdminPassword", ha1)]), digest)
        _expect_zero(answer, "Failed to activate in client control mode.")
        status = _status("Client control mode.")
    admin = digest.for_user("admin", password)  # UPDATE_CREDENTIALS
    if session.tunnel is not None:
        _commit(session, admin)
    mebx = profile.get("mebx_password") if acm else None
    vault.put(session.uuid, password, mebx)  # SAVE_DEVICE_TO_SECRET_PROVIDER
    if mebx:
        answer = session.call(session.envelopes.method(
            "AMT_SetupAndConfigurationService", "SetMEBxPassword", [("Password", mebx)]), admin)
        _expect_zero(answer, "Failed to set the MEBx password.")
    configure_features(session, admin, profile["redirection"])
    return status


def _commit(session, admin):
    """TLS-enforced devices stay "in provisioning" until CommitChanges as admin (wsman.md 7.1
    step 5); on failure Unprovision(1). Later tunnels are not verified: after CCM RPS has no
    trust anchor for AMT's self-signed certificate."""
    session.progress("committing the activation")
    env = session.envelopes
    answer = session.call(env.method("AMT_SetupAndConfigurationService", "CommitChanges"), admin)
    if answer.return_value() != 0:
        session.call(env.method("AMT_SetupAndConfigurationService", "Unprovision",
                                [("ProvisioningMode", 1)]), admin)
        raise FlowError(f"Device {session.uuid} activation failed. CommitChanges returned "
                        f"{answer.return_value()}.")
    session.tunnel.verify = False


def _reactivate(session, profile, vault):
    """An activated device: the password it sent must be Vault's; then the admin password
    becomes the profile's (CHANGE_AMT_PASSWORD) and the features are configured."""
    payload, mode = session.payload, session.payload.get("currentMode")
    wants_acm = profile["activation"] == "acm"
    if mode == 2 and not wants_acm:
        raise Refusal(f"Device {session.uuid} already enabled in admin control mode.")
    if mode == 1 and wants_acm:
        raise FlowError("Upgrading to admin control mode is not supported by the stand-in")
    entry = vault.get(session.uuid)
    if entry and entry.get("amt_password") != payload.get("password"):
        raise Refusal(f"AMT password DOES NOT match stored version for Device {session.uuid}")
    digest = Digest("admin", payload.get("password") or "")
    _, realm = _read_realm(session, digest)
    password = profile["admin_password"]
    raw = hashlib.md5(f"admin:{realm}:{password}".encode()).digest()
    answer = session.call(session.envelopes.method("AMT_AuthorizationService", "SetAdminAclEntryEx", [
        ("Username", "admin"), ("DigestPassword", base64.b64encode(raw).decode())]), digest)
    _expect_zero(answer, "Failed to change the AMT password.")
    vault.put(session.uuid, password, profile.get("mebx_password") if wants_acm else None)
    configure_features(session, digest.for_user("admin", password), profile["redirection"])
    return _status("already enabled in admin mode." if mode == 2 else
                   "already enabled in client mode.")


def deactivate(session, vault):
    session.progress("unprovisioning")
    digest = Digest("admin", session.payload.get("password") or "")
    answer = session.call(session.envelopes.method(
        "AMT_SetupAndConfigurationService", "Unprovision", [("ProvisioningMode", 1)]), digest)
    _expect_zero(answer, f"Device {session.uuid} deactivation failed.")
    vault.remove(session.uuid)
    return {"Status": "Deactivated"}


def maintain(session):
    payload = session.payload
    digest = Digest("admin", payload.get("password") or "")
    env = session.envelopes
    task = payload["task"]
    if task == "synctime":
        session.progress("synchronizing the clock")
        answer = session.call(env.method("AMT_TimeSynchronizationService",
                                         "GetLowAccuracyTimeSynch"), digest)
        _expect_zero(answer, "GetLowAccuracyTimeSynch failed.")
        now = int(time.time())
        answer = session.call(env.method("AMT_TimeSynchronizationService",
                                         "SetHighAccuracyTimeSynch",
                                         [("Ta0", answer.value("Ta0")), ("Tm1", now),
                                          ("Tm2", now)]), digest)
        _expect_zero(answer, "SetHighAccuracyTimeSynch failed.")
        return {"Status": "Time synchronized"}
    if task == "synchostname":
        info = payload.get("hostnameInfo")
        if not isinstance(info, dict):
            raise Refusal(f"{session.client_id} - missing HostnameInfo")
        session.progress("synchronizing the host name")
        settings = session.call(env.get("AMT_GeneralSettings"), digest)
        wanted = {"HostName": info.get("hostname") or "", "DomainName": info.get("dnsSuffixOS") or ""}
        if all(settings.value(k) == v for k, v in wanted.items()):
            return {"Status": "Host name already synchronized"}
        properties = [(k, wanted.get(k, v)) for k, v in settings.properties()]
        session.call(env.put("AMT_GeneralSettings", properties, GENERAL_SETTINGS_SELECTOR), digest)
        return {"Status": "Host name synchronized"}
    raise FlowError(f"maintenance task {task} is not supported by the stand-in")
