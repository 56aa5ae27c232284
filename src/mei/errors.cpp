// errno -> ErrorCategory for the MEI device (mei-heci.md section 1.2), with messages that say
// what went wrong and how to fix it.
#include "amtcfg/mei/errors.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace amtcfg::mei {

namespace {

bool is_disconnect(int err, IoStage stage) {
    return err == ENODEV &&
           (stage == IoStage::read || stage == IoStage::write || stage == IoStage::poll);
}

Error open_error(int err, std::string_view path) {
    switch (err) {
    case ENOENT:
    case ENAMETOOLONG:
    case ENXIO:
        return {ErrorCategory::no_device,
                fmt::format("no MEI device found: {} does not exist (is the mei_me kernel module "
                            "loaded? is Intel ME enabled in the BIOS?)",
                            path)};
    case ENODEV:
        return {ErrorCategory::no_device,
                fmt::format("the MEI device {} is not ready (the ME firmware is starting or "
                            "disabled; wait for boot to finish or enable Intel ME in the BIOS)",
                            path)};
    case EACCES:
    case EPERM:
        return {ErrorCategory::permission_denied,
                fmt::format("permission denied opening {} (run amtcfg as root, or give this "
                            "user read/write access to the device)",
                            path)};
    case EBUSY:
        return {ErrorCategory::device_busy,
                fmt::format("{} is busy (another program holds it; stop it and retry)", path)};
    default:
        return {ErrorCategory::no_device,
                fmt::format("cannot open the MEI device {}: {}", path, std::strerror(err))};
    }
}

Error connect_error(int err, std::string_view path, std::string_view client) {
    switch (err) {
    case ENOTTY:
        return {ErrorCategory::amt_unavailable,
                fmt::format("the ME has no {} client on {} (Intel AMT is absent or disabled; "
                            "enable it in the MEBx/BIOS)",
                            client, path)};
    case EBUSY:
        return {ErrorCategory::device_busy,
                fmt::format("the {} client on {} is busy: another program holds it (stop it, "
                            "e.g. Intel LMS holds LME, and retry)",
                            client, path)};
    case ENODEV:
        return {ErrorCategory::no_device,
                fmt::format("the MEI device {} is not ready to connect to {} (the ME firmware "
                            "is resetting; retry in a few seconds)",
                            path, client)};
    case EACCES:
    case EPERM:
        return {ErrorCategory::permission_denied,
                fmt::format("permission denied connecting to {} on {} (run amtcfg as root)", client,
                            path)};
    case EFAULT:
    case ETIMEDOUT:
        return {ErrorCategory::amt_unavailable,
                fmt::format("the ME firmware did not answer the connect to {} on {} (reboot "
                            "the machine if this persists)",
                            client, path)};
    default:
        return {ErrorCategory::amt_unavailable,
                fmt::format("cannot connect to the {} client on {}: {}", client, path,
                            std::strerror(err))};
    }
}

Error io_error(int err, IoStage stage, std::string_view path, std::string_view client) {
    const char* verb = stage == IoStage::write ? "sending to" : "receiving from";
    switch (err) {
    case ENODEV:
        return {ErrorCategory::no_device,
                fmt::format("the {} client on {} disconnected (ME firmware reset?); run the "
                            "command again",
                            client, path)};
    case ENOTTY:
        return {ErrorCategory::amt_unavailable,
                fmt::format("the {} client on {} vanished (the ME firmware stopped it); run "
                            "the command again after a reboot",
                            client, path)};
    case ETIME:
    case ETIMEDOUT:
        return {ErrorCategory::timed_out,
                fmt::format("timed out {} the {} client on {} (the ME is not answering; "
                            "retry, or reboot if it persists)",
                            verb, client, path)};
    case EFBIG:
        return {ErrorCategory::internal,
                fmt::format("a message to the {} client is longer than the client accepts "
                            "(a bug in amtcfg)",
                            client)};
    default:
        return {ErrorCategory::amt_unavailable,
                fmt::format("error {} the {} client on {}: {}", verb, client, path,
                            std::strerror(err))};
    }
}

} // namespace

Error errno_error(int err, IoStage stage, std::string_view path, std::string_view client) {
    switch (stage) {
    case IoStage::open:
        return open_error(err, path);
    case IoStage::connect:
        return connect_error(err, path, client);
    default:
        return io_error(err, stage, path, client);
    }
}

void throw_errno(int err, IoStage stage, std::string_view path, std::string_view client) {
    Error error = errno_error(err, stage, path, client);
    if (is_disconnect(err, stage)) {
        throw Disconnected(error.what());
    }
    throw error;
}

} // namespace amtcfg::mei
