// setup.bin writer: header with chunk counts 1 and the module list, sorted padded TLV records.
#include "amtcfg/psk/setupbin.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <set>

namespace amtcfg::psk {

namespace {

std::size_t padded(std::size_t length) {
    return (length + 3) / 4 * 4;
}

Bytes uuid_bytes_le(std::string_view text) {
    std::string hex;
    for (char c : text) {
        if (c != '-') {
            hex.push_back(c);
        }
    }
    Bytes raw = from_hex(hex);
    return Bytes{raw[3], raw[2], raw[1],  raw[0],  raw[5],  raw[4],  raw[7],  raw[6],
                 raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]};
}

std::vector<std::uint16_t> modules_in_use(const SetupBin& file) {
    std::set<std::uint16_t> modules;
    for (const auto& record : file.records) {
        for (const auto& entry : record.entries) {
            modules.insert(entry.var.module);
        }
    }
    return {modules.begin(), modules.end()};
}

void write_header(ByteWriter& w, const SetupBin& file, const std::vector<std::uint16_t>& modules) {
    const auto& info = version_info(file.version);
    w.bytes(uuid_bytes_le(info.uuid))
        .u16le(1) // RecordChunkCount: firmware ignores a file with 0 (MeshCommander issue #110)
        .u16le(static_cast<std::uint16_t>(k_file_header_fixed_bytes + 2 * modules.size() + 2))
        .u32le(0) // RecordNumber of the header
        .u8(info.major)
        .u8(info.minor)
        .u16le(file.file_flags)
        .u32le(static_cast<std::uint32_t>(file.records.size()))
        .u32le(file.consumed)
        .u16le(1) // DataRecordChunkCount
        .u16le(0);
    for (auto module : modules) {
        w.u16le(module);
    }
    w.u16le(0);
    w.zeros(k_chunk_size - w.size());
}

Bytes record_body(const Record& record, std::size_t number) {
    std::vector<const Entry*> entries;
    for (const auto& entry : record.entries) {
        entries.push_back(&entry);
    }
    // Sorting puts 1.1/1.2/1.3 first, ME settings before CM ones, and 2.28 after 2.3/2.4/2.17.
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry* a, const Entry* b) { return a->var < b->var; });
    ByteWriter body;
    for (const Entry* entry : entries) {
        const std::string& value = entry->value.reveal();
        if (value.size() > 0xFFFF) {
            throw Error(ErrorCategory::usage, "a setup.bin value is longer than 65535 bytes");
        }
        body.u16le(entry->var.module)
            .u16le(entry->var.id)
            .u16le(static_cast<std::uint16_t>(value.size()))
            .u16le(0)
            .string(value)
            .zeros(padded(value.size()) - value.size());
    }
    if (body.size() > k_record_body_bytes) {
        Bytes spill = body.take();
        OPENSSL_cleanse(spill.data(), spill.size());
        throw Error(ErrorCategory::usage,
                    fmt::format("record {} needs more than the {} bytes a setup.bin record holds; "
                                "set fewer or shorter settings",
                                number, k_record_body_bytes));
    }
    body.zeros(k_record_body_bytes - body.size());
    return body.take();
}

} // namespace

Bytes encode_setup_bin(const SetupBin& file) {
    if (file.records.empty()) {
        throw Error(ErrorCategory::usage, "a setup.bin needs at least one record");
    }
    auto modules = modules_in_use(file);
    ByteWriter w;
    write_header(w, file, modules);
    for (std::size_t i = 0; i < file.records.size(); ++i) {
        const Record& record = file.records[i];
        w.u32le(record.type).u32le(record.flags).zeros(8);
        w.u16le(1).u16le(static_cast<std::uint16_t>(k_record_header_bytes));
        w.u32le(static_cast<std::uint32_t>(i + 1));
        Bytes body = record_body(record, i + 1);
        if ((record.flags & k_record_flag_scrambled) != 0) {
            for (auto& b : body) {
                b = static_cast<std::uint8_t>(b + k_scramble_add);
            }
        }
        w.bytes(body);
        OPENSSL_cleanse(body.data(), body.size());
    }
    return w.take();
}

} // namespace amtcfg::psk
