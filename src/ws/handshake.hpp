// The opening handshake's answer (RFC 6455 section 4.2.2), checked as a client must (4.1).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace amtcfg::ws {

// The size of the answer's head (status line and fields, up to and with the empty line) once
// `received` holds all of it; nothing while it is incomplete.
std::optional<std::size_t> answer_head_size(std::string_view received);

// Throws Error(server_unreachable) unless `head` is a 101 answer with "Upgrade: websocket",
// a "Connection" naming "upgrade", the Sec-WebSocket-Accept for `key`, and no extension or
// subprotocol (none was asked for). A non-101 answer is named by its status line.
void check_answer(std::string_view head, std::string_view key);

} // namespace amtcfg::ws
