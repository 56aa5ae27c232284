// Helpers for CLI tests that run amtcfg against the simulator with a persistent device state.
#pragma once

#include "support.hpp"

#include <string>
#include <utility>
#include <vector>

namespace amtcfg::test {

// One simulated device kept in a state file across amtcfg runs, as a technician's machine
// would be across reboots.
class SimDevice {
public:
    // `device_json` is a device file's content (empty: the simulator's default device).
    explicit SimDevice(const std::string& device_json = "");

    // Runs amtcfg with `args` under scripts/with-sim.sh; `sim_options` go to with-sim.sh.
    Run amtcfg(const std::vector<std::string>& args,
               const std::vector<std::string>& sim_options = {},
               const std::map<std::string, std::string>& env = {}) const;
    // The with-sim.sh command line amtcfg() runs (for a run in the background).
    std::vector<std::string> command(const std::vector<std::string>& args,
                                     const std::vector<std::string>& sim_options = {}) const;
    // The simulator's state file: the device as AMT holds it, saved as each change happens.
    std::string state_file() const { return m_dir.file("state.json"); }
    // `amtcfg --json info` of the current state.
    nlohmann::json info() const;

    const TempDir& dir() const { return m_dir; }
    // Writes `content` to a file in the test's directory and returns its path.
    std::string write(const std::string& name, const std::string& content) const;

private:
    TempDir m_dir;
    std::string m_device_file;
};

// Certificates made once per test run by tests/certs/make-test-certs.sh (no key is committed):
// provisioning certificates for ACM, their roots and reference hashes.
const std::string& test_certs();
// The simulated AMT 19's TLS material, made once per test run by tests/certs/make-sim-tls.sh
// (ondie-root.pem, post.pem, ...). Every SimDevice run gets it as AMTCFG_SIM_TLS_DIR, so
// with-sim.sh does not make it again for each run.
const std::string& sim_tls_dir();

// Makes the calling test run twice (a Catch2 generator): over amtcfg's own LME tunnel and over
// the simulated LMS. Returns amtcfg's --transport value and with-sim.sh's options for it.
std::pair<std::string, std::vector<std::string>> each_transport();

// One way to AMT's WS-Man port: amtcfg's global options for it and with-sim.sh's options.
struct Path {
    std::vector<std::string> options; // amtcfg's ("--transport", "lms")
    std::vector<std::string> sim;     // with-sim.sh's ("--lms")
};
// each_transport() as a Path: the calling test runs twice, over LME and over LMS.
Path each_path();
// `args` with the path's amtcfg options in front.
std::vector<std::string> over(const Path& path, std::vector<std::string> args);

// A CCM profile with the given admin-password source and extra elements after <activation>.
std::string ccm_profile(const std::string& password_source, const std::string& extra = "");

// The entry of maintain's JSON result "checks" for `name` (fails the test when there is none).
nlohmann::json check_named(const nlohmann::json& result, const std::string& name);

// The escrow file as the format in man amtcfg(1) FILES describes it, read by the tests on their
// own: one value per pending (or pre-status) record, with the status its outcome records gave it.
struct EscrowedValue {
    std::string id;
    std::string uuid;
    std::string value;        // empty for an attempt recorded without its value
    std::string status;       // "pending", "set", "failed"
    std::size_t set_line = 0; // the line of the record that made it set
};
std::vector<EscrowedValue> escrowed_values(const std::string& escrow_path,
                                           const std::string& secret);

// The value of the newest escrow record for `secret` ("admin-password") that holds one, whatever
// its status.
std::string escrowed(const std::string& escrow_path, const std::string& secret);
// The current value of `secret`: the one whose set record is the newest ("" when none).
std::string escrowed_set(const std::string& escrow_path, const std::string& secret);
// The statuses of `secret`'s values, oldest first ("pending", "set", "failed").
std::vector<std::string> escrow_statuses(const std::string& escrow_path, const std::string& secret);

} // namespace amtcfg::test
