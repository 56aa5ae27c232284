// The seam to the Management Engine: a device that opens connections to ME clients by GUID.
#pragma once

#include "amtcfg/util/bytes.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

namespace amtcfg::mei {

// An ME client GUID in the uuid_le byte order the Linux ioctl takes (mei-heci.md section 4).
struct ClientGuid {
    std::array<std::uint8_t, 16> bytes_le;
    std::string_view name;
};

// clang-format off
inline constexpr ClientGuid k_amthi{{0x28, 0x00, 0xf8, 0x12, 0xb7, 0xb4, 0x2d, 0x4b,
                                     0xac, 0xa8, 0x46, 0xe0, 0xff, 0x65, 0x81, 0x4c}, "AMTHI"};
inline constexpr ClientGuid k_lme{{0xdb, 0xa4, 0x33, 0x67, 0x76, 0x04, 0x7b, 0x4e,
                                   0xb3, 0xaf, 0xbc, 0xfc, 0x29, 0xbe, 0xe7, 0xa7}, "LME"};
inline constexpr ClientGuid k_watchdog{{0x6f, 0x9a, 0xb7, 0x05, 0x28, 0x46, 0x7f, 0x4d,
                                        0x89, 0x9d, 0xa9, 0x15, 0x14, 0xcb, 0x32, 0xab}, "WD"};
inline constexpr ClientGuid k_mkhi{{0x15, 0x67, 0x6a, 0x8e, 0xbc, 0x9a, 0x43, 0x40,
                                    0x88, 0xef, 0x9e, 0x39, 0xc6, 0xf6, 0x3e, 0x0f}, "MKHI"};
// clang-format on

struct ClientProperties {
    std::uint32_t max_message_length = 0;
    std::uint8_t protocol_version = 0;
};

// One connection to one ME client. One send() is one ME message; one receive() returns exactly
// one message. Errors are amtcfg::Error with the categories of the errno table.
class Transport {
public:
    virtual ~Transport() = default;
    virtual const ClientProperties& properties() const = 0;
    virtual void send(ByteView message) = 0;
    // Waits at most timeout_ms for a message; throws Error(timed_out) when none arrives.
    virtual Bytes receive(int timeout_ms) = 0;
    // A file descriptor that polls readable when a message is waiting, or -1 if there is none.
    virtual int poll_handle() const = 0;
};

// An MEI device (a /dev/meiN node on Linux). Each connect() is a new connection; the real
// device retries EBUSY with bounded backoff before it gives up with Error(device_busy).
class Device {
public:
    virtual ~Device() = default;
    virtual std::unique_ptr<Transport> connect(const ClientGuid& client) = 0;
    // One attempt, no EBUSY backoff: for probes, where "busy" (LMS holds LME) simply means
    // "not available to us" and waiting would only make the answer slower.
    virtual std::unique_ptr<Transport> connect_once(const ClientGuid& client) {
        return connect(client);
    }
    // The node in use, for messages ("/dev/mei0").
    virtual std::string_view path() const = 0;
};

} // namespace amtcfg::mei
