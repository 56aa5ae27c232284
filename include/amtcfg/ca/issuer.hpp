// Certificate authorities that issue AMT's TLS certificate (the profile's <tls><issuer>): a local
// CA (file), SCEP (RFC 8894, as Microsoft NDES serves it), CMP (RFC 4210 p10cr) and certmonger's
// submit-helper interface (exec).
#pragma once

#include "amtcfg/profile/profile.hpp"
#include "amtcfg/util/bytes.hpp"
#include "amtcfg/util/deadline.hpp"
#include "amtcfg/util/log.hpp"
#include "amtcfg/util/secret.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::ca {

// A certificate request AMT signed (GeneratePKCS10RequestEx): AMT holds the private key, so the
// request's own signature is the proof of possession.
struct Request {
    Bytes csr_der;
    std::string subject; // for messages ("CN=ws01.corp.example")
};

// An attribute the CA needs inside the request AMT signs (PKCS#10 CertificationRequestInfo
// attributes, RFC 2986 section 4.1). AMT signs what the flow gives it, so the flow must put
// these into the request before GeneratePKCS10RequestEx: the signature then covers them.
struct CsrAttribute {
    std::string oid;  // dotted OID, e.g. "1.2.840.113549.1.9.7" (PKCS#9 challengePassword)
    std::string name; // "challengePassword", for messages
    // The value, a DirectoryString the flow encodes as UTF8String (RFC 2985 section 5.4.1 allows
    // it; RFC 8894 section 2.2 says the challenge is carried this way). A Secret: the SCEP
    // challenge is one, and lives in the request only.
    Secret value;
};

struct Issued {
    Bytes certificate_der;       // AMT's certificate, for the request's key
    std::vector<Bytes> ca_chain; // the issuing CA first, up to the root when the CA sent it
};

// What the request must hold (the flow builds it, AMT signs it):
// - every issuer: the subject (CN = <tls common-name>) and the DNS names as a subjectAltName
//   extension inside a PKCS#9 extensionRequest attribute. The file issuer copies exactly these
//   into the certificate (and adds serverAuth); scep, cmp and exec send the request as it is,
//   and the CA's own policy decides what the certificate gets.
// - the attributes csr_attributes() returns (scep: challengePassword when the profile gives
//   challenge-source), added before AMT signs.
// Every issuer refuses a request whose signature does not verify with its own key.
//
// One CA. issue() throws Error(certificate_failed) with what the CA said (refused, unreachable,
// malformed answer) and Error(timed_out) when the command's --timeout ends a wait (SCEP
// PENDING, certmonger's "wait").
class Issuer {
public:
    virtual ~Issuer() = default;
    virtual Issued issue(const Request& request) = 0;
    // The CA certificates AMT's certificate is verified against once AMT serves it (DER).
    virtual std::vector<Bytes> trust_anchors() = 0;
    // The attributes the request must carry for issue() to succeed (see CsrAttribute). Only
    // scep has one: challengePassword, when the profile gives challenge-source. It may read a
    // secret (context.read_secret); call it once per request, before building the request.
    virtual std::vector<CsrAttribute> csr_attributes() { return {}; }
    virtual std::string describe() const = 0; // "SCEP at http://127.0.0.1:8080/scep"
};

struct IssuerContext {
    Log& log;
    const Deadline& deadline;
    // Reads a secret the profile names (CA key password, SCEP challenge, CMP secret); `what`
    // names it in messages.
    std::function<Secret(const profile::SecretSetting& setting, std::string_view what)> read_secret;
};

// The issuer the profile's <issuer> describes. Nothing is contacted before issue() or
// trust_anchors(). Error(invalid_input) for unusable local files (CA certificate, key).
std::unique_ptr<Issuer> make_issuer(const profile::Issuer& config, IssuerContext context);

} // namespace amtcfg::ca
