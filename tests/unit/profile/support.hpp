// Helpers for the profile tests: profile texts, the error a parse gives, and a temp directory.
#pragma once

#include "amtcfg/profile/profile.hpp"
#include "amtcfg/util/error.hpp"

#include "fakes/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace amtcfg::test {

// A profile whose first two lines are the root and a CCM <activation>; `body` starts on line 3.
inline std::string ccm_profile(const std::string& body) {
    return "<amtcfg-profile version=\"1\" name=\"t\">\n"
           "  <activation mode=\"ccm\"><admin-password source=\"env:PW\"/></activation>\n" +
           body + "</amtcfg-profile>\n";
}

// The message of the Error(invalid_input) that parsing `text` as office.xml throws.
inline std::string parse_error(const std::string& text, const profile::ParseOptions& options = {}) {
    try {
        profile::parse_profile(text, "office.xml", options);
    } catch (const Error& error) {
        CHECK(error.category() == ErrorCategory::invalid_input);
        return error.what();
    }
    FAIL("the profile was accepted");
    return "";
}

// A fresh directory per test, removed afterwards.
using TempDir = amtcfg::testing::TempDir;

// A whole file's content.
inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace amtcfg::test
