// The simulated Intel LMS: a loopback TCP listener (127.0.0.1 only) that carries HTTP to the
// WS-Man service, as LMS does on 16992 (apf-lme.md section 1).
#pragma once

#include "wsman/service.hpp"

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <thread>

namespace amtcfg::sim {

class LmsListener {
public:
    explicit LmsListener(WsmanService& service) : m_service(service) {}
    ~LmsListener() { stop(); }
    LmsListener(const LmsListener&) = delete;
    LmsListener& operator=(const LmsListener&) = delete;

    // Binds 127.0.0.1:`port` (0 = any free port) and serves on a thread; returns the port.
    // Throws std::runtime_error when it cannot bind.
    std::uint16_t start(std::uint16_t port);
    // Stops accepting, closes every connection and joins the threads.
    void stop();
    std::uint64_t connections() const { return m_connections; }

private:
    void accept_loop();
    void serve(int fd);

    WsmanService& m_service;
    int m_listen_fd = -1;
    int m_wake[2] = {-1, -1}; // self-pipe that ends the poll() loops
    std::thread m_acceptor;
    std::mutex m_mutex;
    std::list<std::thread> m_workers;
    std::atomic<std::uint64_t> m_connections{0};
    std::atomic<bool> m_stopping{false};
};

} // namespace amtcfg::sim
