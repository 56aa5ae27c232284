// `create-psk --setup-bin` and `--inspect`: build, self-check, write and decode setup.bin files.
#include "amtcfg/flows/setupbin.hpp"

#include "amtcfg/flows/psk.hpp"
#include "amtcfg/psk/mebx_password.hpp"
#include "amtcfg/psk/setupbin_values.hpp"
#include "amtcfg/util/error.hpp"
#include "amtcfg/util/file.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

namespace amtcfg::flows {

namespace {

// (1 + 10000 records) x 512 bytes is about 5 MB; anything far larger is not a setup.bin.
constexpr std::size_t k_max_setup_bin_size = 64U * 1024U * 1024U;

std::string joined(const std::vector<std::string>& problems) {
    std::string out;
    for (const auto& p : problems) {
        out += (out.empty() ? "" : "; ") + p;
    }
    return out;
}

void check_passwords(const SetupBinRequest& request, SetupBinResult& result) {
    auto current = psk::current_mebx_password_problems(request.current_password.reveal());
    if (!current.empty()) {
        throw Error(ErrorCategory::usage,
                    "the current MEBx password cannot be used: " + joined(current));
    }
    auto fresh = psk::mebx_password_problems(request.new_password.reveal());
    if (!fresh.empty()) {
        throw Error(ErrorCategory::usage,
                    "the new MEBx password does not meet AMT's MEBx password rules: " +
                        joined(fresh));
    }
    if (request.current_password.reveal() != psk::k_mebx_factory_password) {
        result.warnings.emplace_back(
            "the current MEBx password is not the factory default \"admin\"; firmware applies a "
            "USB setup.bin only while it is (reset AMT to factory defaults first)");
    }
}

void check_request(const SetupBinRequest& request) {
    if (request.count != 0 && !request.pairs.empty()) {
        throw Error(ErrorCategory::usage, "give either --count or --psk-file, not both");
    }
    if (request.count != 0) {
        check_psk_count(request.count);
        if (request.psk_out_path.empty()) {
            throw Error(ErrorCategory::usage,
                        "the generated PID/PPS pairs must also reach the provisioning server: "
                        "add --out FILE for the list");
        }
    }
    bool has_psk = request.count != 0 || !request.pairs.empty();
    if (request.use == RecordUse::keep && request.version == psk::SetupBinVersion::v1_0) {
        throw Error(ErrorCategory::usage,
                    "--no-consume needs setup.bin version 2 or later: version 1 has no FileFlags "
                    "and its records are always consumed");
    }
    if (request.use == RecordUse::keep && has_psk) {
        throw Error(ErrorCategory::usage,
                    "--no-consume would give every device the same record, but a PID/PPS pair "
                    "must be used by one device only; drop --no-consume or the PID/PPS options");
    }
    if (request.pairs.size() > k_max_psk_count) {
        throw Error(ErrorCategory::usage,
                    fmt::format("the PID/PPS list has more than {} pairs", k_max_psk_count));
    }
}

psk::Record make_record(const SetupBinRequest& request, const psk::PskPair* pair) {
    psk::Record record;
    if (request.version >= psk::SetupBinVersion::v2_0) {
        record.flags |= psk::k_record_flag_scrambled;
    }
    record.entries.push_back(
        psk::Entry{psk::vars::current_mebx_password, request.current_password.clone()});
    record.entries.push_back(
        psk::Entry{psk::vars::new_mebx_password, request.new_password.clone()});
    if (pair != nullptr) {
        record.entries.push_back(psk::make_text_entry(psk::vars::pid, pair->pid));
        record.entries.push_back(psk::Entry{psk::vars::pps, pair->pps.clone()});
    }
    for (const auto& setting : request.settings) {
        record.entries.push_back(psk::Entry{setting.var, setting.value.clone()});
    }
    return record;
}

psk::SetupBin build(const SetupBinRequest& request, const std::vector<psk::PskPair>& pairs) {
    psk::SetupBin file;
    file.version = request.version;
    file.file_flags = request.use == RecordUse::keep ? psk::k_file_flag_no_consume : 0;
    if (pairs.empty()) {
        file.records.push_back(make_record(request, nullptr));
    }
    for (const auto& pair : pairs) {
        file.records.push_back(make_record(request, &pair));
    }
    return file;
}

// The writer's output must pass its own reader: a file the reader rejects is a bug here.
void self_check(ByteView bytes) {
    auto decoded = psk::decode_setup_bin(bytes);
    if (!decoded.problems.empty()) {
        const auto& p = decoded.problems.front();
        throw Error(ErrorCategory::internal,
                    fmt::format("the setup.bin writer made a file its reader rejects ({}: {})",
                                p.where, p.what));
    }
}

} // namespace

SetupBinResult write_setup_bin(SetupBinRequest request, const psk::RandomBytes& random) {
    SetupBinResult result;
    check_passwords(request, result);
    check_request(request);
    if (request.count != 0) {
        check_overwrite(request.psk_out_path, "PID/PPS list", request.overwrite);
    }
    check_overwrite(request.out_path, "setup.bin", request.overwrite);
    std::vector<psk::PskPair> pairs = std::move(request.pairs);
    if (request.count != 0) {
        pairs = psk::generate_pairs(request.count, random);
    }
    Bytes bytes = psk::encode_setup_bin(build(request, pairs));
    self_check(bytes);
    if (request.count != 0) {
        Secret list = psk::render_psk_list(pairs, request.psk_format);
        write_private_file(request.psk_out_path, as_bytes(list.reveal()), "PID/PPS list",
                           request.overwrite);
        result.psk_out_path = request.psk_out_path;
    }
    write_private_file(request.out_path, bytes, "setup.bin", request.overwrite);
    OPENSSL_cleanse(bytes.data(), bytes.size());

    result.path = request.out_path;
    result.version = request.version;
    result.records = pairs.empty() ? 1 : pairs.size();
    result.bytes = (1 + result.records) * psk::k_chunk_size;
    result.use = request.use;
    result.scrambled = request.version >= psk::SetupBinVersion::v2_0;
    for (const auto& pair : pairs) {
        result.pids.push_back(psk::display_pid(pair.pid));
    }
    for (const auto& setting : request.settings) {
        result.settings.push_back(setting.var);
    }
    return result;
}

SetupBinInspection inspect_setup_bin(const std::string& path) {
    Bytes bytes = read_whole_file(path, k_max_setup_bin_size, "setup.bin");
    SetupBinInspection inspection{path, psk::decode_setup_bin(bytes)};
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return inspection;
}

} // namespace amtcfg::flows
