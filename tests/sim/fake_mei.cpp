// The fake MEI device: connection state per fd, message queues on timerfds, errno semantics.
#include "fake_mei.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace amtcfg::sim {

namespace {

// linux/mei.h (mei-heci.md 1.1).
constexpr unsigned long k_ioctl_connect_client = 0xC0104801;
constexpr unsigned long k_ioctl_notify_set = 0x40044802;
constexpr unsigned long k_ioctl_notify_get = 0x80044803;
constexpr unsigned long k_ioctl_connect_client_vtag = 0xC0144804;

using Clock = std::chrono::steady_clock; // CLOCK_MONOTONIC, like the timerfd

int fail(int err) {
    errno = err;
    return -1;
}

// The host side of one fd: messages queued by the endpoint, each due at send time + latency.
class Link : public HostLink {
public:
    Link(int timer_fd, int latency_ms) : m_fd(timer_fd), m_latency(latency_ms) {}

    void count_as(Stats* stats, std::string counter) {
        std::lock_guard lock(m_mutex);
        m_stats = stats;
        m_counter = std::move(counter);
    }
    void send(Bytes message) override {
        std::lock_guard lock(m_mutex);
        if (m_dead || m_closed)
            return;
        if (m_stats != nullptr)
            m_stats->add(m_counter);
        m_queue.push_back({std::move(message), Clock::now() + m_latency});
        rearm();
    }
    void kill() {
        std::lock_guard lock(m_mutex);
        m_dead = true;
        m_queue.clear();
        rearm();
    }
    void close() {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_queue.clear();
    }
    bool dead() const {
        std::lock_guard lock(m_mutex);
        return m_dead;
    }
    // Copies from the due head message; -EAGAIN when none is due, -ENODEV after a reset.
    ssize_t take(std::uint8_t* buffer, std::size_t length) {
        std::lock_guard lock(m_mutex);
        if (m_dead)
            return -ENODEV;
        if (m_queue.empty() || m_queue.front().due > Clock::now())
            return -EAGAIN;
        const Bytes& head = m_queue.front().message;
        std::size_t count = std::min(length, head.size() - m_offset);
        std::memcpy(buffer, head.data() + m_offset, count);
        m_offset += count;
        if (m_offset == head.size()) {
            m_queue.pop_front();
            m_offset = 0;
        }
        rearm();
        return static_cast<ssize_t>(count);
    }

private:
    struct Pending {
        Bytes message;
        Clock::time_point due;
    };

    // Setting the timer resets its expiry count, so the fd is readable exactly when the head
    // message is due (or at once after a reset, so a poller sees the ENODEV).
    void rearm() {
        itimerspec spec{};
        int flags = 0;
        if (m_dead) {
            spec.it_value.tv_nsec = 1;
        } else if (!m_queue.empty()) {
            auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          m_queue.front().due.time_since_epoch())
                          .count();
            spec.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
            spec.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
            if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0)
                spec.it_value.tv_nsec = 1;
            flags = TFD_TIMER_ABSTIME;
        }
        ::timerfd_settime(m_fd, flags, &spec, nullptr);
    }

    mutable std::mutex m_mutex;
    int m_fd;
    std::chrono::milliseconds m_latency;
    std::deque<Pending> m_queue;
    std::size_t m_offset = 0;
    bool m_dead = false;
    bool m_closed = false;
    Stats* m_stats = nullptr;
    std::string m_counter;
};

} // namespace

class FakeFile {
public:
    std::mutex mutex; // serializes connect, write and close on this fd
    std::shared_ptr<Link> link;
    const ClientEntry* client = nullptr;
    std::unique_ptr<Endpoint> endpoint;
    std::uint32_t max_msg_length = 0;
    bool holds_slot = false;
    unsigned long generation = 0;
};

FakeMei::FakeMei(Simulator& simulator, RealCalls real) : m_sim(simulator), m_real(real) {}

bool FakeMei::is_mei_path(const char* path) {
    constexpr std::string_view k_prefix = "/dev/mei";
    std::string_view p(path);
    if (p.substr(0, k_prefix.size()) != k_prefix)
        return false;
    std::string_view digits = p.substr(k_prefix.size());
    return digits.find_first_not_of("0123456789") == std::string_view::npos;
}

std::shared_ptr<FakeFile> FakeMei::find(int fd) const {
    std::lock_guard lock(m_mutex);
    auto it = m_files.find(fd);
    return it == m_files.end() ? nullptr : it->second;
}

bool FakeMei::owns(int fd) const {
    return find(fd) != nullptr;
}

int FakeMei::open(const char* path, int flags) {
    const FaultList& faults = m_sim.faults();
    if (faults.has(FaultKind::mei_absent) || std::string_view(path) != "/dev/mei0") {
        return fail(ENOENT);
    }
    if (faults.has(FaultKind::mei_denied))
        return fail(EACCES);
    int timer_flags = ((flags & O_CLOEXEC) != 0 ? TFD_CLOEXEC : 0) |
                      ((flags & O_NONBLOCK) != 0 ? TFD_NONBLOCK : 0);
    int fd = ::timerfd_create(CLOCK_MONOTONIC, timer_flags);
    if (fd < 0)
        return -1;
    auto file = std::make_shared<FakeFile>();
    file->link = std::make_shared<Link>(fd, m_sim.config().latency_mei_ms);
    std::lock_guard lock(m_mutex);
    m_files[fd] = std::move(file);
    return fd;
}

int FakeMei::close(int fd) {
    std::shared_ptr<FakeFile> file;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_files.find(fd);
        if (it == m_files.end())
            return fail(EBADF);
        file = it->second;
        m_files.erase(it);
        if (file->holds_slot && file->generation == m_generation) {
            --m_holders[file->client->name];
        }
    }
    std::lock_guard lock(file->mutex);
    file->link->close();
    if (file->endpoint)
        file->endpoint->closed();
    file->endpoint.reset();
    return m_real.close(fd);
}

int FakeMei::ioctl(int fd, unsigned long request, void* argument) {
    auto file = find(fd);
    if (!file)
        return fail(EBADF);
    switch (request) {
    case k_ioctl_connect_client:
        return connect(*file, argument);
    case k_ioctl_notify_set:
    case k_ioctl_notify_get:
    case k_ioctl_connect_client_vtag:
        return fail(EOPNOTSUPP); // the simulated ME has no HBM notifications and no vtags
    default:
        return fail(EINVAL);
    }
}

int FakeMei::connect(FakeFile& file, void* argument) {
    if (argument == nullptr)
        return fail(EFAULT);
    std::lock_guard file_lock(file.mutex);
    if (file.link->dead())
        return fail(ENODEV);
    if (file.client != nullptr)
        return fail(EBUSY);
    std::array<std::uint8_t, 16> guid{};
    std::memcpy(guid.data(), argument, guid.size());
    const ClientEntry* client = m_sim.find_client(guid);
    {
        std::lock_guard lock(m_mutex);
        ++m_connect_attempts;
        auto busy = m_sim.faults().value(FaultKind::mei_busy);
        if (busy && m_connect_attempts <= *busy) {
            m_sim.stats().add("mei.busy_connects");
            return fail(EBUSY);
        }
    }
    if (client == nullptr)
        return fail(ENOTTY);
    MeClient properties = m_sim.client_properties(client->name);
    bool lme = client->name == "lme";
    if (!properties.present || (lme && m_sim.faults().has(FaultKind::no_lme)))
        return fail(ENOTTY);
    // While AMT is soft-disabled (watchdog amt_enabled false, mei-heci.md section 5) the ME
    // enumerates no LME client.
    if (lme && !m_sim.device().read([](const DeviceState& d) { return d.watchdog.amt_enabled; }))
        return fail(ENOTTY);
    {
        std::lock_guard lock(m_mutex);
        // When LMS runs it holds the LME client (mei-heci.md section 3).
        if ((properties.single_instance && m_holders[client->name] > 0) ||
            (lme && m_sim.config().lms)) {
            m_sim.stats().add("mei." + client->name + ".busy_connects");
            return fail(EBUSY);
        }
        if (properties.single_instance) {
            ++m_holders[client->name];
            file.holds_slot = true;
        }
        file.generation = m_generation;
    }
    file.link->count_as(&m_sim.stats(), "mei." + client->name + ".replies");
    file.endpoint = client->factory(m_sim, file.link);
    file.client = client;
    file.max_msg_length = properties.max_msg_length;
    m_sim.stats().add("mei." + client->name + ".connects");
    ByteWriter out; // struct mei_client: max_msg_length, protocol_version, 3 reserved
    out.u32le(properties.max_msg_length).u8(properties.protocol_version).zeros(3);
    std::memcpy(argument, out.data().data(), out.size());
    return 0;
}

ssize_t FakeMei::write(int fd, const void* buffer, std::size_t length) {
    auto file = find(fd);
    if (!file)
        return fail(EBADF);
    std::lock_guard file_lock(file->mutex);
    if (file->link->dead() || file->client == nullptr)
        return fail(ENODEV);
    if (length == 0)
        return 0;
    if (length > file->max_msg_length)
        return fail(EFBIG);
    bool reset = false;
    {
        std::lock_guard lock(m_mutex);
        auto after = m_sim.faults().value(FaultKind::mei_reset_after);
        reset = after && !m_reset_done && m_messages >= *after;
        if (!reset)
            ++m_messages;
    }
    if (reset) {
        reset_all();
        return fail(ENODEV);
    }
    m_sim.stats().add("mei.messages");
    m_sim.stats().add("mei." + file->client->name + ".requests");
    file->endpoint->receive(ByteView(static_cast<const std::uint8_t*>(buffer), length));
    return static_cast<ssize_t>(length);
}

void FakeMei::reset_all() {
    std::lock_guard lock(m_mutex);
    m_reset_done = true;
    ++m_generation;
    m_holders.clear();
    for (auto& [fd, file] : m_files) {
        file->link->kill();
    }
    m_sim.stats().add("mei.resets");
}

ssize_t FakeMei::read(int fd, void* buffer, std::size_t length) {
    auto file = find(fd);
    if (!file)
        return fail(EBADF);
    if (file->link->dead())
        return fail(ENODEV);
    if (length == 0)
        return 0;
    if (buffer == nullptr)
        return fail(EMSGSIZE);
    {
        std::lock_guard file_lock(file->mutex);
        if (file->client == nullptr)
            return fail(ENODEV);
    }
    for (;;) {
        ssize_t got = file->link->take(static_cast<std::uint8_t*>(buffer), length);
        if (got != -EAGAIN)
            return got < 0 ? fail(static_cast<int>(-got)) : got;
        int flags = ::fcntl(fd, F_GETFL);
        if (flags >= 0 && (flags & O_NONBLOCK) != 0)
            return fail(EAGAIN);
        pollfd wait{fd, POLLIN, 0};
        ::poll(&wait, 1, -1); // like the kernel: a blocking read waits for the message
    }
}

} // namespace amtcfg::sim
