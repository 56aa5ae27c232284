// Turning the secret sources a profile names into secrets, with diagnostics that point into the
// profile.
#pragma once

#include "amtcfg/crypto/pkcs12.hpp"
#include "amtcfg/profile/profile.hpp"
#include "amtcfg/util/secret.hpp"

#include <string_view>

namespace amtcfg::profile {

// Reads a secret from its env:, file:, stdin or prompt source with util's read_secret; errors
// get the profile line in front ("office.xml:4: the PFX password source env:X names ...").
// Throws Error(internal) for source="random": the caller generates those.
Secret read_profile_secret(const Profile& profile, const SecretSetting& setting,
                           std::string_view what);

enum class PasswordOrigin { from_source, generated };

struct ResolvedPassword {
    Secret value;
    PasswordOrigin origin = PasswordOrigin::from_source;
};

// For a password amtcfg sets in AMT (admin, MEBx, user): source="random" gives a fresh
// generate_password(), which the caller must record with Escrow::record() before setting it;
// any other source is read and checked against AMT's password rules, so a weak password fails
// here with the profile line rather than later as an AMT error. Throws Error(invalid_input).
ResolvedPassword resolve_amt_password(const Profile& profile, const SecretSetting& setting,
                                      std::string_view what);

// Reads the ACM <provisioning-certificate>: its password from the password-source, then the
// PKCS#12 file into a key and a chain leaf -> root. Errors carry the profile line. Throws
// Error(invalid_input) when the profile has no provisioning certificate.
crypto::ProvisioningChain load_provisioning_certificate(const Profile& profile);

} // namespace amtcfg::profile
