// Fuzz target: setup.bin option values (create-psk's --option values, --cert-hash, the
// provisioning server, --setup-version) from any text. A value that is accepted must be one the
// checker accepts too and must show back as text that parses to the same bytes; anything that
// is refused is refused with Error(usage), never another exception.
#include "amtcfg/psk/setupbin_values.hpp"
#include "amtcfg/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace amtcfg;
using namespace amtcfg::psk;

namespace {

[[noreturn]] void violated() {
    __builtin_trap();
}

void check_setting(const VariableSpec& spec, std::string_view text, SetupBinVersion version) {
    Entry entry = make_setting(spec, text, version);
    ByteView value = as_bytes(entry.value.reveal());
    if (value_problem(spec, value)) {
        violated(); // accepted on the command line, refused by the file checker
    }
    std::string shown = show_value(entry, SecretDisplay::show);
    if (spec.kind == ValueKind::guid && parse_guid(shown) != Bytes(value.begin(), value.end())) {
        violated();
    }
    if (spec.kind == ValueKind::u8 || spec.kind == ValueKind::u16 || spec.kind == ValueKind::u32) {
        // "name (n)" or "n": the number shown is the number stored
        std::string number = shown.substr(shown.find('(') + 1);
        number = number.substr(0, number.find(')'));
        if (make_setting(spec, number, version).value.reveal() != entry.value.reveal()) {
            violated();
        }
    }
}

void check_server(std::string_view text, SetupBinVersion version) {
    auto entries = make_provisioning_server(text, version);
    if (entries.size() != 2) {
        violated();
    }
    std::string again = show_value(entries[0], SecretDisplay::show) + ":" +
                        show_value(entries[1], SecretDisplay::show);
    auto reparsed = make_provisioning_server(again, version);
    if (reparsed[0].value.reveal() != entries[0].value.reveal() ||
        reparsed[1].value.reveal() != entries[1].value.reveal()) {
        violated();
    }
}

void check_cert_hash(std::string_view text, SetupBinVersion version) {
    auto split = text.find('\n');
    std::string_view name = split == std::string_view::npos ? "" : text.substr(split + 1);
    Entry entry = make_cert_hash(text.substr(0, split), name, version);
    std::string shown = show_value(entry, SecretDisplay::show);
    if (!shown.ends_with("\"" + std::string(name) + "\"")) {
        violated();
    }
}

// Raw bytes as a file could hold them: checked and shown, hidden when secret.
void check_raw(const VariableSpec& spec, std::string_view bytes) {
    (void)value_problem(spec, as_bytes(bytes));
    Entry entry{spec.var, Secret(std::string(bytes))};
    (void)show_value(entry, SecretDisplay::show);
    std::string hidden = show_value(entry, SecretDisplay::hide);
    if (spec.sensitivity == Sensitivity::secret &&
        hidden != "(hidden, " + std::to_string(bytes.size()) + " characters)") {
        violated();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    auto table = variable_table();
    auto versions = setup_bin_versions();
    const VariableSpec& spec = table[data[1] % table.size()];
    SetupBinVersion version = versions[(data[0] >> 2) % versions.size()].version;
    std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
    try {
        switch (data[0] % 4) {
        case 0: // as create-psk calls it: options only, and never with an empty value
            if (!spec.option.empty() && !text.empty()) {
                check_setting(spec, text, version);
            }
            break;
        case 1:
            check_server(text, version);
            break;
        case 2:
            check_cert_hash(text, version);
            break;
        default:
            check_raw(spec, text);
            if (auto parsed = parse_setup_bin_version(text);
                parsed && parse_setup_bin_version(version_info(*parsed).name) != parsed) {
                violated();
            }
            break;
        }
    } catch (const Error& error) {
        if (error.category() != ErrorCategory::usage) {
            violated();
        }
    }
    return 0;
}
