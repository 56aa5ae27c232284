// The crypto tests' certificates: generated once per test process by
// tests/certs/make-test-certs.sh into a temporary directory (no private key is committed).
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace amtcfg::test {

class TestCerts {
public:
    TestCerts() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "amtcfg-certs-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot create a temporary directory");
        }
        m_dir = pattern;
        std::string command = "bash " AMTCFG_SOURCE_DIR "/tests/certs/make-test-certs.sh '" +
                              m_dir.string() + "' >/dev/null";
        if (std::system(command.c_str()) != 0) {
            throw std::runtime_error("tests/certs/make-test-certs.sh failed");
        }
    }
    ~TestCerts() {
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
    }
    TestCerts(const TestCerts&) = delete;
    TestCerts& operator=(const TestCerts&) = delete;

    std::string path(const std::string& name) const { return (m_dir / name).string(); }
    Bytes bytes(const std::string& name) const {
        std::ifstream in(path(name), std::ios::binary);
        return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::string text(const std::string& name) const {
        std::ifstream in(path(name));
        std::string line;
        std::getline(in, line);
        return line;
    }

private:
    std::filesystem::path m_dir;
};

// Shared by every test of the process; the files are only read.
inline const TestCerts& certs() {
    static const TestCerts instance;
    return instance;
}

} // namespace amtcfg::test
