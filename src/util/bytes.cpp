// Bounds-checked byte readers/writers and hex helpers.
#include "amtcfg/util/bytes.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

namespace amtcfg {

ByteView ByteReader::take(std::size_t count, std::string_view field) {
    if (count > remaining()) {
        throw DecodeError(fmt::format("truncated at {}: needs {} bytes at offset {}, {} left",
                                      field, count, m_offset, remaining()));
    }
    ByteView out = m_data.subspan(m_offset, count);
    m_offset += count;
    return out;
}

std::uint8_t ByteReader::u8(std::string_view field) {
    return take(1, field)[0];
}

std::uint16_t ByteReader::u16le(std::string_view field) {
    auto b = take(2, field);
    return static_cast<std::uint16_t>(b[0] | (b[1] << 8));
}

std::uint32_t ByteReader::u32le(std::string_view field) {
    auto b = take(4, field);
    return static_cast<std::uint32_t>(b[0]) | (static_cast<std::uint32_t>(b[1]) << 8) |
           (static_cast<std::uint32_t>(b[2]) << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

std::uint16_t ByteReader::u16be(std::string_view field) {
    auto b = take(2, field);
    return static_cast<std::uint16_t>((b[0] << 8) | b[1]);
}

std::uint32_t ByteReader::u32be(std::string_view field) {
    auto b = take(4, field);
    return (static_cast<std::uint32_t>(b[0]) << 24) | (static_cast<std::uint32_t>(b[1]) << 16) |
           (static_cast<std::uint32_t>(b[2]) << 8) | static_cast<std::uint32_t>(b[3]);
}

ByteView ByteReader::bytes(std::size_t count, std::string_view field) {
    return take(count, field);
}

std::string ByteReader::string(std::size_t count, std::string_view field) {
    auto b = take(count, field);
    return {b.begin(), b.end()};
}

void ByteReader::skip(std::size_t count, std::string_view field) {
    take(count, field);
}

ByteWriter& ByteWriter::u8(std::uint8_t value) {
    m_data.push_back(value);
    return *this;
}

ByteWriter& ByteWriter::u16le(std::uint16_t value) {
    m_data.push_back(static_cast<std::uint8_t>(value));
    m_data.push_back(static_cast<std::uint8_t>(value >> 8));
    return *this;
}

ByteWriter& ByteWriter::u32le(std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) {
        m_data.push_back(static_cast<std::uint8_t>(value >> shift));
    }
    return *this;
}

ByteWriter& ByteWriter::u16be(std::uint16_t value) {
    m_data.push_back(static_cast<std::uint8_t>(value >> 8));
    m_data.push_back(static_cast<std::uint8_t>(value));
    return *this;
}

ByteWriter& ByteWriter::u32be(std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        m_data.push_back(static_cast<std::uint8_t>(value >> shift));
    }
    return *this;
}

ByteWriter& ByteWriter::bytes(ByteView value) {
    m_data.insert(m_data.end(), value.begin(), value.end());
    return *this;
}

ByteWriter& ByteWriter::string(std::string_view value) {
    return bytes(as_bytes(value));
}

ByteWriter& ByteWriter::zeros(std::size_t count) {
    m_data.insert(m_data.end(), count, 0);
    return *this;
}

std::string to_hex(ByteView data) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (auto b : data) {
        out.push_back(k_digits[b >> 4]);
        out.push_back(k_digits[b & 0x0f]);
    }
    return out;
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace

Bytes from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        throw DecodeError(fmt::format("hex string has an odd number of digits ({})", hex.size()));
    }
    Bytes out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = hex_value(hex[i]);
        int lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            throw DecodeError(fmt::format("not a hex digit at position {}", hi < 0 ? i : i + 1));
        }
        out.push_back(static_cast<std::uint8_t>((hi << 4) | lo));
    }
    return out;
}

ByteView as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

} // namespace amtcfg
