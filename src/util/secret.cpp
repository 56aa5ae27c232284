// Secret storage that wipes itself, and the parser of secret sources.
#include "amtcfg/util/secret.hpp"

#include <openssl/crypto.h>

namespace amtcfg {

void wipe_string(std::string& text) noexcept {
    if (!text.empty()) {
        OPENSSL_cleanse(text.data(), text.size());
    }
    text.clear();
}

void Secret::wipe() noexcept {
    wipe_string(m_value);
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        m_value = std::move(other.m_value);
        other.wipe();
    }
    return *this;
}

SecretSource parse_secret_source(std::string_view text) {
    SecretSource source;
    auto starts = [&](std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; };
    if (starts("env:")) {
        source.kind = SecretSourceKind::env;
        source.location = std::string(text.substr(4));
    } else if (starts("file:")) {
        source.kind = SecretSourceKind::file;
        source.location = std::string(text.substr(5));
    } else if (starts("escrow:")) {
        source.kind = SecretSourceKind::escrow;
        source.location = std::string(text.substr(7));
    } else if (text == "stdin") {
        source.kind = SecretSourceKind::standard_input;
    } else if (text == "prompt") {
        source.kind = SecretSourceKind::prompt;
    } else if (text == "random") {
        source.kind = SecretSourceKind::random;
    } else {
        source.kind = SecretSourceKind::literal;
        source.literal = Secret(std::string(text));
    }
    return source;
}

std::string describe(const SecretSource& source) {
    switch (source.kind) {
    case SecretSourceKind::env:
        return "env:" + source.location;
    case SecretSourceKind::file:
        return "file:" + source.location;
    case SecretSourceKind::escrow:
        return "escrow:" + source.location;
    case SecretSourceKind::standard_input:
        return "stdin";
    case SecretSourceKind::prompt:
        return "prompt";
    case SecretSourceKind::random:
        return "random";
    case SecretSourceKind::literal:
        break;
    }
    return "a literal value";
}

} // namespace amtcfg
