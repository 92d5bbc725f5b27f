#include "tests/relay/support/relay_process.hpp"

#include <fstream>
#include <thread>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cs::relay::testing {

std::filesystem::path RelayProcess::binary() {
#ifdef CS_BINARY_DIR
    return std::filesystem::path(CS_BINARY_DIR) / "relay" / "contractsync-relay";
#else
    return "contractsync-relay";
#endif
}

RelayProcess::RelayProcess(std::filesystem::path dir, std::string config_json)
    : dir_(std::move(dir)) {
    std::ofstream(dir_ / "relay.json") << config_json;
}

RelayProcess::~RelayProcess() {
    if (pid_ > 0) {
        kill_hard();
    }
}

bool RelayProcess::start(std::chrono::seconds timeout) {
    auto port_file = dir_ / "relay.port";
    std::filesystem::remove(port_file);
    auto log = (dir_ / "relay.log").string();
    auto config = (dir_ / "relay.json").string();
    auto bin = binary().string();
    pid_ = ::fork();
    if (pid_ == 0) {
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::execl(bin.c_str(), bin.c_str(), "serve", "--config", config.c_str(), nullptr);
        ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return false;  // exited early; relay.log says why
        }
        std::ifstream in(port_file);
        if (in >> port_ && port_ > 0) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

void RelayProcess::kill_hard() {
    if (pid_ <= 0) {
        return;
    }
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

int RelayProcess::terminate() {
    if (pid_ <= 0) {
        return -1;
    }
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

}  // namespace cs::relay::testing
