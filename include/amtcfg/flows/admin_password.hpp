// The admin password a --password SOURCE names, including escrow:FILE (by the device's UUID).
#pragma once

#include "amtcfg/flows/environment.hpp"

#include <string>

namespace amtcfg::flows {

// The escrow secret name of AMT's admin password.
inline constexpr std::string_view k_escrow_admin = "admin-password";

// Reads the admin password from `source`. escrow:FILE gives the current admin password of the
// device `uuid` (see escrowed_admin_password); the other sources are read_secret's.
Secret read_admin_password(Environment& env, const SecretSource& source, const std::string& uuid);

// The current admin password of the device `uuid` in the escrow file at `path`: the value of the
// newest `set` record. Values still `pending` after it (a run that died before it could prove
// the outcome) are tried first with an admin login, newest first, and the file gets a `set` or
// `failed` record for each one tried. Throws Error(usage) for a missing or unsafe file,
// Error(invalid_input) for a malformed one, Error(auth_failed) when the file holds no admin
// password of this device marked set.
Secret escrowed_admin_password(Environment& env, const std::string& path, const std::string& uuid);

} // namespace amtcfg::flows
