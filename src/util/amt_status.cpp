// The AMT_STATUS table (reference/amthi.md section 2; intel/lms StatusCodeDefinitions.h).
#include "amtcfg/util/amt_status.hpp"

#include <array>
#include <utility>

namespace amtcfg {

namespace {

constexpr std::array<std::pair<std::uint32_t, std::string_view>, 83> k_status{{
    {0x00, "SUCCESS"},
    {0x01, "INTERNAL_ERROR"},
    {0x02, "NOT_READY"},
    {0x03, "INVALID_PT_MODE"},
    {0x04, "INVALID_MESSAGE_LENGTH"},
    {0x05, "TABLE_FINGERPRINT_NOT_AVAILABLE"},
    {0x06, "INTEGRITY_CHECK_FAILED"},
    {0x07, "UNSUPPORTED_ISVS_VERSION"},
    {0x08, "APPLICATION_NOT_REGISTERED"},
    {0x09, "INVALID_REGISTRATION_DATA"},
    {0x0A, "APPLICATION_DOES_NOT_EXIST"},
    {0x0B, "NOT_ENOUGH_STORAGE"},
    {0x0C, "INVALID_NAME"},
    {0x0D, "BLOCK_DOES_NOT_EXIST"},
    {0x0E, "INVALID_BYTE_OFFSET"},
    {0x0F, "INVALID_BYTE_COUNT"},
    {0x10, "NOT_PERMITTED"},
    {0x11, "NOT_OWNER"},
    {0x12, "BLOCK_LOCKED_BY_OTHER"},
    {0x13, "BLOCK_NOT_LOCKED"},
    {0x14, "INVALID_GROUP_PERMISSIONS"},
    {0x15, "GROUP_DOES_NOT_EXIST"},
    {0x16, "INVALID_MEMBER_COUNT"},
    {0x17, "MAX_LIMIT_REACHED"},
    {0x18, "INVALID_AUTH_TYPE"},
    {0x19, "AUTHENTICATION_FAILED"},
    {0x1A, "INVALID_DHCP_MODE"},
    {0x1B, "INVALID_IP_ADDRESS"},
    {0x1C, "INVALID_DOMAIN_NAME"},
    {0x1D, "UNSUPPORTED_VERSION"},
    {0x1E, "REQUEST_UNEXPECTED"},
    {0x1F, "INVALID_TABLE_TYPE"},
    {0x20, "INVALID_PROVISIONING_STATE"},
    {0x21, "UNSUPPORTED_OBJECT"},
    {0x22, "INVALID_TIME"},
    {0x23, "INVALID_INDEX"},
    {0x24, "INVALID_PARAMETER"},
    {0x25, "INVALID_NETMASK"},
    {0x26, "FLASH_WRITE_LIMIT_EXCEEDED"},
    {0x27, "INVALID_IMAGE_LENGTH"},
    {0x28, "INVALID_IMAGE_SIGNATURE"},
    {0x29, "PROPOSE_ANOTHER_VERSION"},
    {0x2A, "INVALID_PID_FORMAT"},
    {0x2B, "INVALID_PPS_FORMAT"},
    {0x2C, "BIST_COMMAND_BLOCKED"},
    {0x2D, "CONNECTION_FAILED"},
    {0x2E, "CONNECTION_TOO_MANY"},
    {0x2F, "RNG_GENERATION_IN_PROGRESS"},
    {0x30, "RNG_NOT_READY"},
    {0x31, "CERTIFICATE_NOT_READY"},
    {0x200, "REMOTE_ACCESS_NOT_GRANTED"},
    {0x201, "REMOTE_ACCESS_HOST_VPN_IS_DISABLED"},
    {0x202, "REMOTE_ACCESS_GRANTED_WITHOUT_DDNS"},
    {0x203, "REMOTE_ACCESS_GRANTED_WITH_DDNS"},
    {0x400, "DISABLED_BY_POLICY"},
    {0x800, "NETWORK_IF_ERROR_BASE"},
    {0x801, "UNSUPPORTED_OEM_NUMBER"},
    {0x802, "UNSUPPORTED_BOOT_OPTION"},
    {0x803, "INVALID_COMMAND"},
    {0x804, "INVALID_SPECIAL_COMMAND"},
    {0x805, "INVALID_HANDLE"},
    {0x806, "INVALID_PASSWORD"},
    {0x807, "INVALID_REALM"},
    {0x808, "STORAGE_ACL_ENTRY_IN_USE"},
    {0x809, "DATA_MISSING"},
    {0x80A, "DUPLICATE"},
    {0x80B, "EVENTLOG_FROZEN"},
    {0x80C, "PKI_MISSING_KEYS"},
    {0x80D, "PKI_GENERATING_KEYS"},
    {0x80E, "INVALID_KEY"},
    {0x80F, "INVALID_CERT"},
    {0x810, "CERT_KEY_NOT_MATCH"},
    {0x811, "MAX_KERB_DOMAIN_REACHED"},
    {0x812, "UNSUPPORTED"},
    {0x813, "INVALID_PRIORITY"},
    {0x814, "NOT_FOUND"},
    {0x815, "INVALID_CREDENTIALS"},
    {0x816, "INVALID_PASSPHRASE"},
    {0x818, "NO_ASSOCIATION"},
    {0x81B, "AUDIT_FAIL"},
    {0x81C, "BLOCKING_COMPONENT"},
    {0x9C4, "IPV6_INTERFACE_DISABLED"},
    {0x9C5, "INTERFACE_DOES_NOT_EXIST"},
}};

} // namespace

std::string_view amt_status_name(std::uint32_t code) {
    for (const auto& [value, name] : k_status) {
        if (value == code) {
            return name;
        }
    }
    return "UNKNOWN";
}

} // namespace amtcfg
