// A recording fake of the MEI seam: scripted replies per ME client, every message kept.
#pragma once

#include "amtcfg/mei/errors.hpp"
#include "amtcfg/mei/transport.hpp"

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace amtcfg::test {

// What the fake does on one receive(): return bytes, or throw.
struct FakeReply {
    Bytes bytes;
    enum class Kind { message, disconnect, timeout } kind = Kind::message;
};

// A fake ME. Replies are queued per client name; each connect(), send() and receive() is
// recorded so tests assert on what went over the wire and how many connects were made.
class FakeDevice : public mei::Device {
public:
    struct Sent {
        std::string client;
        Bytes message;
    };

    void reply(std::string_view client, Bytes bytes) {
        m_replies[std::string(client)].push_back({std::move(bytes), FakeReply::Kind::message});
    }
    void disconnect_next(std::string_view client) {
        m_replies[std::string(client)].push_back({{}, FakeReply::Kind::disconnect});
    }
    void time_out_next(std::string_view client) {
        m_replies[std::string(client)].push_back({{}, FakeReply::Kind::timeout});
    }
    // Connects to `client` fail with this error from now on.
    void fail_connect(std::string_view client, ErrorCategory category) {
        m_connect_failures[std::string(client)] = category;
    }

    std::unique_ptr<mei::Transport> connect(const mei::ClientGuid& client) override;
    std::unique_ptr<mei::Transport> connect_once(const mei::ClientGuid& client) override {
        ++single_attempts[std::string(client.name)];
        return connect(client);
    }
    std::string_view path() const override { return "/dev/fake-mei0"; }

    std::map<std::string, int> connects;
    std::map<std::string, int> single_attempts; // connects made with connect_once()
    std::vector<Sent> sent;
    std::vector<int> timeouts_ms;
    std::map<std::string, std::deque<FakeReply>> m_replies;
    std::map<std::string, ErrorCategory> m_connect_failures;

    int messages_to(std::string_view client) const {
        int count = 0;
        for (const auto& s : sent) {
            count += s.client == client ? 1 : 0;
        }
        return count;
    }
};

class FakeTransport : public mei::Transport {
public:
    FakeTransport(FakeDevice& device, std::string client) : m_device(device), m_client(client) {}
    const mei::ClientProperties& properties() const override { return m_properties; }
    int poll_handle() const override { return -1; }
    void send(ByteView message) override {
        m_device.sent.push_back({m_client, Bytes(message.begin(), message.end())});
    }
    Bytes receive(int timeout_ms) override {
        m_device.timeouts_ms.push_back(timeout_ms);
        auto& queue = m_device.m_replies[m_client];
        if (queue.empty()) {
            throw Error(ErrorCategory::timed_out, "fake: no reply queued for " + m_client);
        }
        FakeReply next = std::move(queue.front());
        queue.pop_front();
        if (next.kind == FakeReply::Kind::disconnect) {
            throw mei::Disconnected("fake: " + m_client + " disconnected");
        }
        if (next.kind == FakeReply::Kind::timeout) {
            throw Error(ErrorCategory::timed_out, "fake: " + m_client + " timed out");
        }
        return next.bytes;
    }

private:
    FakeDevice& m_device;
    std::string m_client;
    mei::ClientProperties m_properties{.max_message_length = 5120, .protocol_version = 1};
};

inline std::unique_ptr<mei::Transport> FakeDevice::connect(const mei::ClientGuid& client) {
    std::string name(client.name);
    ++connects[name];
    if (auto it = m_connect_failures.find(name); it != m_connect_failures.end()) {
        throw Error(it->second, "fake: cannot connect to " + name);
    }
    return std::make_unique<FakeTransport>(*this, name);
}

} // namespace amtcfg::test
