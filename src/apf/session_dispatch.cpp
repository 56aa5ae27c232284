// How the host answers each APF message AMT sends (apf-lme.md sections 3-5).
#include "amtcfg/apf/session.hpp"

#include "amtcfg/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>

namespace amtcfg::apf {

void Session::dispatch(const Message& message) {
    std::visit(
        [this](const auto& typed) {
            using T = std::decay_t<decltype(typed)>;
            if constexpr (std::is_same_v<T, ProtocolVersion>) {
                on_protocol_version(typed);
            } else if constexpr (std::is_same_v<T, ServiceRequest>) {
                on_service_request(typed);
            } else if constexpr (std::is_same_v<T, GlobalRequest>) {
                on_global_request(typed);
            } else if constexpr (std::is_same_v<T, KeepaliveRequest>) {
                send_message(encode_keepalive_reply(typed.payload));
            } else if constexpr (std::is_same_v<T, Disconnect>) {
                m_live = false;
                m_channel.reset();
                throw Error(ErrorCategory::wsman_unreachable,
                            fmt::format("AMT ended the APF session (DISCONNECT, reason {})",
                                        typed.reason.value_or(0)));
            } else if constexpr (std::is_same_v<T, ChannelOpenConfirmation>) {
                Channel* channel = channel_for(typed.recipient_channel);
                if (channel && channel->state == Channel::State::opening) {
                    channel->amt_id = typed.sender_channel;
                    channel->send_window = typed.window;
                    channel->state = Channel::State::open;
                }
            } else if constexpr (std::is_same_v<T, ChannelOpenFailure>) {
                Channel* channel = channel_for(typed.recipient_channel);
                if (channel && channel->state == Channel::State::opening) {
                    channel->state = Channel::State::refused;
                    channel->refusal = typed.reason;
                }
            } else if constexpr (std::is_same_v<T, ChannelWindowAdjust>) {
                Channel* channel = channel_for(typed.recipient_channel);
                if (channel) {
                    // Saturate: a window larger than 4 GiB means "unlimited" in practice.
                    std::uint32_t room = UINT32_MAX - channel->send_window;
                    channel->send_window += std::min(room, typed.bytes_to_add);
                }
            } else if constexpr (std::is_same_v<T, ChannelData>) {
                Channel* channel = channel_for(typed.recipient_channel);
                if (channel) {
                    channel->received.insert(channel->received.end(), typed.data.begin(),
                                             typed.data.end());
                    m_stats.bytes_received += typed.data.size();
                }
            } else if constexpr (std::is_same_v<T, ChannelClose>) {
                Channel* channel = channel_for(typed.recipient_channel);
                if (channel && channel->state == Channel::State::opening) {
                    channel->state = Channel::State::refused;
                } else if (channel && channel->state == Channel::State::open) {
                    channel->state = Channel::State::closed_by_amt;
                    drop_session();
                }
            } else {
                m_log.debug("apf: ignoring {} from AMT",
                            message_name(encode_message(typed).front()));
            }
        },
        message);
}

// Messages for a channel other than the current one are stale (an earlier channel) and ignored.
Session::Channel* Session::channel_for(std::uint32_t id) {
    if (m_channel && m_channel->id == id) {
        return &*m_channel;
    }
    m_log.trace("apf: ignoring a message for channel {}, which is not open", id);
    return nullptr;
}

void Session::on_protocol_version(const ProtocolVersion& version) {
    if (version.major != 1) {
        throw Error(ErrorCategory::amt_unavailable,
                    fmt::format("AMT speaks APF version {}.{}; amtcfg knows only 1.x",
                                version.major, version.minor));
    }
    m_version_seen = true;
    m_log.trace("apf: AMT speaks APF {}.{} (trigger {})", version.major, version.minor,
                version.trigger);
}

void Session::on_service_request(const ServiceRequest& request) {
    if (request.service != k_service_pfwd) {
        // Only port forwarding is ever needed over LME; AMT is left to give up on others.
        m_log.debug("apf: not accepting service \"{}\"", request.service);
        return;
    }
    send_message(encode(ServiceAccept{request.service}));
    m_service_accepted = true;
}

void Session::on_global_request(const GlobalRequest& request) {
    if (request.name == k_request_tcpip_forward) {
        // Peers answer every forward whatever want_reply says, and firmware expects that.
        if (request.port == k_port_http || request.port == k_port_https) {
            send_message(encode(RequestSuccess{request.port}));
        } else {
            send_message(encode(RequestFailure{}));
        }
        m_forwarded.push_back(request.port);
    } else if (request.name == k_request_cancel_tcpip_forward) {
        std::erase(m_forwarded, request.port);
        send_message(encode(RequestSuccess{}));
    } else {
        m_log.debug("apf: refusing global request \"{}\"", request.name);
        send_message(encode(RequestFailure{}));
    }
}

} // namespace amtcfg::apf
