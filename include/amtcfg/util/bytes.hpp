// Byte buffers and the bounds-checked readers and writers every wire format goes through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amtcfg {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Reads little- or big-endian fields from a byte view; throws DecodeError naming the field
// when fewer bytes remain than the field needs. Never reads past the end.
class ByteReader {
public:
    explicit ByteReader(ByteView data) : m_data(data) {}

    std::uint8_t u8(std::string_view field);
    std::uint16_t u16le(std::string_view field);
    std::uint32_t u32le(std::string_view field);
    std::uint16_t u16be(std::string_view field);
    std::uint32_t u32be(std::string_view field);
    ByteView bytes(std::size_t count, std::string_view field);
    std::string string(std::size_t count, std::string_view field);
    void skip(std::size_t count, std::string_view field);

    std::size_t remaining() const { return m_data.size() - m_offset; }
    std::size_t offset() const { return m_offset; }
    bool at_end() const { return remaining() == 0; }
    ByteView rest() const { return m_data.subspan(m_offset); }

private:
    ByteView take(std::size_t count, std::string_view field);

    ByteView m_data;
    std::size_t m_offset = 0;
};

// Appends fields to a growing buffer.
class ByteWriter {
public:
    ByteWriter& u8(std::uint8_t value);
    ByteWriter& u16le(std::uint16_t value);
    ByteWriter& u32le(std::uint32_t value);
    ByteWriter& u16be(std::uint16_t value);
    ByteWriter& u32be(std::uint32_t value);
    ByteWriter& bytes(ByteView value);
    ByteWriter& string(std::string_view value);
    ByteWriter& zeros(std::size_t count);

    const Bytes& data() const { return m_data; }
    Bytes take() { return std::move(m_data); }
    std::size_t size() const { return m_data.size(); }

private:
    Bytes m_data;
};

std::string to_hex(ByteView data);
// Parses hex digits (either case, no separators); throws DecodeError on anything else.
Bytes from_hex(std::string_view hex);
ByteView as_bytes(std::string_view text);

} // namespace amtcfg
