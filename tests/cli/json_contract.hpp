// The --json contract in the CLI tests: every result amtcfg prints is checked against its
// command's schema in docs/schema/ (by tests/cli/validate_json.py, one process per test binary).
#pragma once

#include "support.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace amtcfg::test {

// The amtcfg subcommand of a command line (run directly or after with-sim.sh's "--") that has
// --json; "" when argv does not run amtcfg with --json.
std::string json_command(const std::vector<std::string>& argv);

// What is wrong with `document` as the --json output of `amtcfg <command>` that exited with
// `status`: the command, the schema and the path of each error; "" when it matches.
std::string json_contract_problem(const std::string& command, int status,
                                  const nlohmann::json& document);

// What is wrong with the schema files themselves (not draft 2020-12, a key without a
// description, ...); "" when nothing is.
std::string schema_files_problem();

// Fails the running test when `result` is the output of an amtcfg --json run that does not
// match its schema (called by run() for every command it runs).
void check_json_contract(const std::vector<std::string>& argv, const Run& result);

} // namespace amtcfg::test
