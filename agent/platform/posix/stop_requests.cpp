// POSIX stop requests: SIGINT and SIGTERM handlers that only write one byte to
// a pipe (async-signal-safe); a watcher thread reads it and raises the
// Shutdown. SIGHUP takes the same pipe to the reload callback. Handlers, unlike sigwait, work
// whatever threads already exist (logging starts a flusher thread before the command runs).
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "agent/platform/shutdown.hpp"

namespace cs::agent::platform {
namespace {

int g_pipe[2] = {-1, -1};
volatile std::sig_atomic_t g_requested = 0;

extern "C" void on_reload_signal(int sig) {
    const auto byte = static_cast<unsigned char>(sig);
    [[maybe_unused]] auto written = ::write(g_pipe[1], &byte, 1);
}

extern "C" void on_stop_signal(int sig) {
    if (g_requested != 0) {
        // The operator insists: the store is transactional, so ending now
        // loses nothing committed.
        static const char message[] = "second stop request: exiting now\n";
        [[maybe_unused]] auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
        ::_exit(128 + sig);
    }
    g_requested = 1;
    const auto byte = static_cast<unsigned char>(sig);
    [[maybe_unused]] auto written = ::write(g_pipe[1], &byte, 1);
}

class PosixStopRequests final : public StopRequests {
public:
    PosixStopRequests(Shutdown& shutdown, std::function<void()> on_reload, struct sigaction old_int,
                      struct sigaction old_term, struct sigaction old_hup)
        : shutdown_(shutdown),
          on_reload_(std::move(on_reload)),
          old_int_(old_int),
          old_term_(old_term),
          old_hup_(old_hup) {
        watcher_ = std::thread([this] { watch(); });
    }

    ~PosixStopRequests() override {
        ::sigaction(SIGINT, &old_int_, nullptr);
        ::sigaction(SIGTERM, &old_term_, nullptr);
        ::sigaction(SIGHUP, &old_hup_, nullptr);
        const unsigned char wake = 0;  // not a signal number: tells the watcher to end
        [[maybe_unused]] auto written = ::write(g_pipe[1], &wake, 1);
        watcher_.join();
        ::close(g_pipe[0]);
        ::close(g_pipe[1]);
        g_pipe[0] = g_pipe[1] = -1;
        g_requested = 0;
    }

private:
    void watch() {
        while (true) {
            unsigned char sig = 0;
            auto n = ::read(g_pipe[0], &sig, 1);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0 || sig == 0) {
                return;
            }
            if (sig == SIGHUP) {
                if (on_reload_) {
                    on_reload_();
                }
                continue;
            }
            shutdown_.request(sig == SIGINT ? "SIGINT" : "SIGTERM");
        }
    }

    Shutdown& shutdown_;
    std::function<void()> on_reload_;
    struct sigaction old_int_;
    struct sigaction old_term_;
    struct sigaction old_hup_;
    std::thread watcher_;
};

}  // namespace

Expected<std::unique_ptr<StopRequests>> StopRequests::watch(Shutdown& shutdown,
                                                            std::function<void()> on_reload) {
    if (g_pipe[0] != -1) {
        return make_error(ErrorCode::internal, "stop requests are already being watched");
    }
    if (::pipe(g_pipe) != 0) {
        return make_error(ErrorCode::internal, "cannot create the signal pipe: {}",
                          std::strerror(errno));
    }
    for (int fd : g_pipe) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    // The handler must never block, even if the watcher fell behind.
    ::fcntl(g_pipe[1], F_SETFL, ::fcntl(g_pipe[1], F_GETFL) | O_NONBLOCK);
    g_requested = 0;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;  // other threads' system calls carry on undisturbed
    struct sigaction reload {};
    reload.sa_handler = on_reload_signal;
    sigemptyset(&reload.sa_mask);
    reload.sa_flags = SA_RESTART;
    struct sigaction old_int {};
    struct sigaction old_term {};
    struct sigaction old_hup {};
    if (::sigaction(SIGINT, &action, &old_int) != 0 ||
        ::sigaction(SIGTERM, &action, &old_term) != 0 ||
        ::sigaction(SIGHUP, &reload, &old_hup) != 0) {
        int err = errno;
        ::close(g_pipe[0]);
        ::close(g_pipe[1]);
        g_pipe[0] = g_pipe[1] = -1;
        return make_error(ErrorCode::internal, "cannot install SIGINT/SIGTERM/SIGHUP handlers: {}",
                          std::strerror(err));
    }
    return std::unique_ptr<StopRequests>(
        new PosixStopRequests(shutdown, std::move(on_reload), old_int, old_term, old_hup));
}

}  // namespace cs::agent::platform
