// The sd_notify wire format: one datagram of newline-separated KEY=value
// lines, sent to the AF_UNIX socket named by $NOTIFY_SOCKET. A leading '@'
// names a socket in the abstract namespace (the '@' becomes a NUL byte and
// the address length covers exactly the name).
#include "common/service/notify_socket.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace cs::service {

Status send_notification(const std::string& socket_path, std::string_view state) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    bool abstract = socket_path.front() == '@';
    if (socket_path.front() != '/' && !abstract) {
        // e.g. "vsock:..." (systemd 254+, virtual machines): not for this agent.
        return make_error(ErrorCode::invalid_argument,
                          "NOTIFY_SOCKET={}: only absolute paths and @abstract names are "
                          "supported",
                          socket_path);
    }
    if (socket_path.size() >= sizeof address.sun_path) {
        return make_error(ErrorCode::invalid_argument, "NOTIFY_SOCKET={}: the path is too long",
                          socket_path);
    }
    std::memcpy(address.sun_path, socket_path.data(), socket_path.size());
    if (abstract) {
        address.sun_path[0] = '\0';
    }
    auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path.size() +
                                         (abstract ? 0 : 1));
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return make_error(ErrorCode::io_error, "NOTIFY_SOCKET: cannot create a socket: {}",
                          std::strerror(errno));
    }
    ssize_t sent = -1;
    do {
        sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                        reinterpret_cast<const sockaddr*>(&address), length);
    } while (sent < 0 && errno == EINTR);
    int err = errno;
    ::close(fd);
    if (sent < 0) {
        return make_error(ErrorCode::unavailable, "NOTIFY_SOCKET={}: {}", socket_path,
                          std::strerror(err));
    }
    return ok();
}

long current_process_id() {
    return static_cast<long>(::getpid());
}

}  // namespace cs::service
