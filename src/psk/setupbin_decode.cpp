// setup.bin reader: decodes any bytes and explains every deviation from the format.
#include "amtcfg/psk/setupbin.hpp"

#include "amtcfg/psk/setupbin_values.hpp"
#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace amtcfg::psk {

namespace {

constexpr std::size_t k_max_modules = (k_chunk_size - k_file_header_fixed_bytes) / 2;

void add(std::vector<Problem>& problems, std::string where, std::string what) {
    problems.push_back(Problem{std::move(where), std::move(what)});
}

std::optional<SetupBinVersion> version_of(const DecodedSetupBin& f) {
    for (const auto& info : setup_bin_versions()) {
        if (info.uuid == f.uuid && info.major == f.major && info.minor == f.minor) {
            return info.version;
        }
    }
    return std::nullopt;
}

std::string uuid_text(ByteView b) {
    return format_guid(b);
}

void check_chunk_count(std::uint16_t value, std::string_view field, std::vector<Problem>& out) {
    if (value == 0) {
        add(out, "header",
            fmt::format("{} is 0: firmware ignores such files (the MeshCommander generator bug); "
                        "it must be 1",
                        field));
    } else if (value != 1) {
        add(out, "header", fmt::format("{} is {}; it must be 1", field, value));
    }
}

void read_header(ByteReader& r, DecodedSetupBin& f) {
    f.uuid = uuid_text(r.bytes(16, "FileTypeUUID"));
    f.record_chunk_count = r.u16le("RecordChunkCount");
    f.header_bytes = r.u16le("RecordHeaderByteCount");
    f.record_number = r.u32le("RecordNumber");
    f.major = r.u8("MajorVersion");
    f.minor = r.u8("MinorVersion");
    f.file_flags = r.u16le("FileFlags");
    f.record_count = r.u32le("DataRecordCount");
    f.consumed = r.u32le("DataRecordsConsumed");
    f.data_record_chunk_count = r.u16le("DataRecordChunkCount");
    r.skip(2, "Reserved");
    for (std::size_t i = 0; i < k_max_modules; ++i) {
        std::uint16_t module = r.u16le("ModuleList");
        if (module == 0) {
            break;
        }
        f.modules.push_back(module);
    }
}

void check_header(DecodedSetupBin& f) {
    auto& p = f.problems;
    bool known_uuid = std::any_of(setup_bin_versions().begin(), setup_bin_versions().end(),
                                  [&](const VersionInfo& v) { return v.uuid == f.uuid; });
    f.version = version_of(f);
    if (!known_uuid) {
        add(p, "header",
            fmt::format("FileTypeUUID {} is not a setup.bin type (versions 1-4)", f.uuid));
    } else if (!f.version) {
        add(p, "header",
            fmt::format("version {}.{} does not match the FileTypeUUID {} (valid: "
                        "1.0, 2.0, 2.1, 3.0, 4.0 with their own UUIDs)",
                        f.major, f.minor, f.uuid));
    }
    check_chunk_count(f.record_chunk_count, "RecordChunkCount", p);
    check_chunk_count(f.data_record_chunk_count, "DataRecordChunkCount", p);
    std::size_t expected = k_file_header_fixed_bytes + 2 * f.modules.size() + 2;
    // An empty module list with any byte count was reported to work (reference section 2.4).
    if (!f.modules.empty() && f.header_bytes != expected) {
        add(p, "header",
            fmt::format("RecordHeaderByteCount is {}; with {} modules it must be {}",
                        f.header_bytes, f.modules.size(), expected));
    }
    if (f.record_number != 0) {
        add(p, "header",
            fmt::format("RecordNumber is {}; the header's must be 0", f.record_number));
    }
    if (f.version == SetupBinVersion::v1_0 && f.file_flags != 0) {
        add(p, "header",
            "FileFlags is set, but version 1 files have no flags (records are "
            "always consumed)");
    } else if ((f.file_flags & ~k_file_flag_no_consume) != 0) {
        add(p, "header", fmt::format("FileFlags 0x{:04X} has undefined bits", f.file_flags));
    }
}

std::vector<Entry> read_entries(ByteView body, const std::string& where,
                                std::vector<Problem>& problems) {
    std::vector<Entry> entries;
    ByteReader r(body);
    while (r.remaining() >= 4) {
        std::uint16_t module = r.u16le("ModuleId");
        std::uint16_t id = r.u16le("VariableId");
        if (module == 0 || id == 0) {
            break;
        }
        std::string at = fmt::format("{}, entry {}.{} at offset {}", where, module, id,
                                     k_record_header_bytes + r.offset() - 4);
        if (r.remaining() < 4) {
            add(problems, at, "the entry header is cut off by the end of the record");
            break;
        }
        std::uint16_t length = r.u16le("VariableLength");
        if (r.u16le("Reserved") != 0) {
            add(problems, at, "the reserved field after VariableLength is not 0");
        }
        if (length > r.remaining()) {
            add(problems, at,
                fmt::format("VariableLength is {} but only {} bytes remain in the "
                            "record",
                            length, r.remaining()));
            break;
        }
        ByteView value = r.bytes(length, "VariableValue");
        entries.push_back(Entry{{module, id}, Secret(std::string(value.begin(), value.end()))});
        r.skip(std::min<std::size_t>((4U - length % 4U) % 4U, r.remaining()), "padding");
    }
    return entries;
}

void check_record_header(const DecodedRecord& rec, const std::string& where,
                         std::vector<Problem>& p) {
    if (rec.type != k_record_type_data) {
        add(p, where, fmt::format("RecordTypeIdentifier is {}; a data record is 1", rec.type));
    }
    if ((rec.flags & k_record_flag_valid) == 0) {
        add(p, where, "the record is not flagged valid (RecordFlags bit 0)");
    }
    if ((rec.flags & ~(k_record_flag_valid | k_record_flag_scrambled)) != 0) {
        add(p, where, fmt::format("RecordFlags 0x{:08X} has undefined bits", rec.flags));
    }
    if (rec.chunk_count != 1) {
        add(p, where, fmt::format("RecordChunkCount is {}; it must be 1", rec.chunk_count));
    }
    if (rec.header_bytes != k_record_header_bytes) {
        add(p, where, fmt::format("RecordHeaderByteCount is {}; it must be 24", rec.header_bytes));
    }
    if (rec.number != rec.position) {
        add(p, where,
            fmt::format("RecordNumber is {}; the record at this position is number {}", rec.number,
                        rec.position));
    }
}

DecodedRecord read_record(ByteView chunk, std::size_t position, const DecodedSetupBin& f,
                          std::vector<Problem>& problems) {
    ByteReader r(chunk);
    DecodedRecord rec;
    rec.position = position;
    rec.type = r.u32le("RecordTypeIdentifier");
    rec.flags = r.u32le("RecordFlags");
    r.skip(8, "Reserved");
    rec.chunk_count = r.u16le("RecordChunkCount");
    rec.header_bytes = r.u16le("RecordHeaderByteCount");
    rec.number = r.u32le("RecordNumber");
    rec.consumed = (f.file_flags & k_file_flag_no_consume) == 0 && position <= f.consumed;
    std::string where = fmt::format("record {}", position);
    check_record_header(rec, where, problems);
    Bytes body(r.rest().begin(), r.rest().end());
    if ((rec.flags & k_record_flag_scrambled) != 0) {
        for (auto& b : body) {
            b = static_cast<std::uint8_t>(b - k_scramble_add);
        }
    }
    rec.entries = read_entries(body, where, problems);
    std::fill(body.begin(), body.end(), std::uint8_t{0});
    if (f.version) {
        check_entries(rec.entries, *f.version, where, problems);
    }
    return rec;
}

void check_counts(DecodedSetupBin& f, std::size_t chunks) {
    auto& p = f.problems;
    if (f.file_size % k_chunk_size != 0) {
        add(p, "file", fmt::format("the size {} is not a multiple of 512", f.file_size));
    }
    std::size_t expected = (1 + std::size_t{f.record_count}) * k_chunk_size;
    if (chunks != f.record_count) {
        add(p, "file",
            fmt::format("DataRecordCount says {} records but the file holds {}; the "
                        "size must be (1 + {}) x 512 = {} bytes, not {}",
                        f.record_count, chunks, f.record_count, expected, f.file_size));
    } else if (f.file_size != expected) {
        add(p, "file", fmt::format("the size must be {} bytes, not {}", expected, f.file_size));
    }
    if (f.record_count == 0) {
        add(p, "header", "DataRecordCount is 0: the file has no record to apply");
    }
    if (f.consumed > f.record_count) {
        add(p, "header",
            fmt::format("DataRecordsConsumed ({}) is more than DataRecordCount ({})", f.consumed,
                        f.record_count));
    }
}

void check_module_list(DecodedSetupBin& f) {
    if (f.modules.empty()) {
        return;
    }
    for (const auto& rec : f.records) {
        for (const auto& entry : rec.entries) {
            if (std::find(f.modules.begin(), f.modules.end(), entry.var.module) ==
                f.modules.end()) {
                add(f.problems, "header",
                    fmt::format("record {} uses module {}, which the module list does not name",
                                rec.position, entry.var.module));
                return;
            }
        }
    }
}

} // namespace

DecodedSetupBin decode_setup_bin(ByteView data) {
    DecodedSetupBin f;
    f.file_size = data.size();
    if (data.size() < k_chunk_size) {
        add(f.problems, "file",
            fmt::format("the file has {} bytes; a setup.bin starts with a "
                        "512-byte header",
                        data.size()));
        return f;
    }
    ByteReader header(data.subspan(0, k_chunk_size));
    read_header(header, f);
    check_header(f);
    std::size_t chunks = (data.size() - k_chunk_size) / k_chunk_size;
    check_counts(f, chunks);
    for (std::size_t i = 0; i < chunks; ++i) {
        ByteView chunk = data.subspan(k_chunk_size * (i + 1), k_chunk_size);
        f.records.push_back(read_record(chunk, i + 1, f, f.problems));
    }
    check_module_list(f);
    return f;
}

} // namespace amtcfg::psk
