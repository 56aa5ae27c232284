// MemoryChannel: a ByteChannel over strings, for tests of what speaks over one (the WebSocket
// client, the RPS session and relay). What the peer says is queued up front; what the code under
// test sends is collected.
#pragma once

#include "amtcfg/util/stream.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace amtcfg::test {

class MemoryChannel final : public ByteChannel {
public:
    explicit MemoryChannel(std::string peer_bytes = {}, bool peer_closes = true)
        : incoming(std::move(peer_bytes)), closes_after(peer_closes) {}

    void send(std::string_view bytes) override { sent.append(bytes); }

    // Hands out at most `chunk` bytes per call, so readers see their input arrive in pieces.
    bool receive(std::string& out, int /*timeout_ms*/) override {
        if (incoming.empty()) {
            return !closes_after;
        }
        std::size_t size = std::min(chunk, incoming.size());
        out.append(incoming, 0, size);
        incoming.erase(0, size);
        return true;
    }

    void add_wait_descriptors(std::vector<pollfd>& /*out*/) const override {}
    std::string describe() const override { return "a memory channel"; }

    std::string incoming;     // the peer's bytes not yet received
    bool closes_after = true; // the peer closes once `incoming` is read
    std::size_t chunk = 4096;
    std::string sent; // everything the code under test sent
};

} // namespace amtcfg::test
