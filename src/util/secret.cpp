// Secret storage that wipes itself, and the parser of secret sources.
#include "amtcfg/util/secret.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace amtcfg {

void wipe_string(std::string& text) noexcept {
    // resize() within the capacity neither allocates nor throws; it makes the whole buffer
    // addressable, so the cleanse reaches characters past the current size too.
    text.resize(text.capacity());
    OPENSSL_cleanse(text.data(), text.size());
    text.clear();
}

void append_wiping_old(std::string& buffer, std::string_view data) {
    if (buffer.size() + data.size() <= buffer.capacity()) {
        buffer.append(data);
        return;
    }
    std::string grown;
    grown.reserve(std::max(buffer.size() + data.size(), 2 * buffer.capacity()));
    grown.append(buffer).append(data);
    wipe_string(buffer);
    buffer.swap(grown);
}

void append_wiping_old(Bytes& buffer, ByteView data) {
    if (buffer.size() + data.size() <= buffer.capacity()) {
        buffer.insert(buffer.end(), data.begin(), data.end());
        return;
    }
    Bytes grown;
    grown.reserve(std::max(buffer.size() + data.size(), 2 * buffer.capacity()));
    grown.insert(grown.end(), buffer.begin(), buffer.end());
    grown.insert(grown.end(), data.begin(), data.end());
    wipe_bytes(buffer);
    buffer.swap(grown);
}

void wipe_bytes(Bytes& bytes) noexcept {
    bytes.resize(bytes.capacity()); // within the capacity: no allocation
    OPENSSL_cleanse(bytes.data(), bytes.size());
    bytes.clear();
}

void erase_front_wiping(Bytes& bytes, std::size_t count) {
    count = std::min(count, bytes.size());
    std::size_t before = bytes.size();
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(count));
    std::size_t after = bytes.size();
    bytes.resize(before); // the stale tail, made addressable again to wipe it
    OPENSSL_cleanse(bytes.data() + after, before - after);
    bytes.resize(after);
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
