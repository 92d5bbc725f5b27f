#include "agent/platform/console.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <termios.h>
#include <unistd.h>

namespace cs::agent::platform {
namespace {

void trim_line_ends(std::string& text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
}

Expected<std::string> read_all(int fd, std::size_t max_bytes) {
    std::string text;
    char buffer[4096];
    while (true) {
        auto n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return make_error(ErrorCode::io_error, "standard input: {}", std::strerror(errno));
        }
        if (n == 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > max_bytes + 2) {
            wipe(text);
            return make_error(ErrorCode::limit_exceeded,
                              "standard input: more than {} bytes; a secret is a key or a "
                              "password",
                              max_bytes);
        }
    }
    std::memset(buffer, 0, sizeof buffer);
    trim_line_ends(text);
    return text;
}

// One line from the terminal with echo off; echo is restored whatever happens.
Expected<std::string> read_hidden_line(std::string_view prompt, std::size_t max_bytes) {
    std::fprintf(stderr, "%.*s", static_cast<int>(prompt.size()), prompt.data());
    std::fflush(stderr);
    termios saved{};
    bool restore = ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (restore) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    char c = 0;
    bool failed = false;
    while (true) {
        auto n = ::read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0 || c == '\n') {
            failed = n < 0;
            break;
        }
        line += c;
        if (line.size() > max_bytes) {
            failed = true;
            break;
        }
    }
    c = 0;
    if (restore) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    }
    if (failed) {
        wipe(line);
        return make_error(ErrorCode::io_error, "cannot read the value from the terminal");
    }
    trim_line_ends(line);
    return line;
}

}  // namespace

Expected<std::string> read_secret_input(std::string_view prompt, std::size_t max_bytes) {
    if (!::isatty(STDIN_FILENO)) {
        return read_all(STDIN_FILENO, max_bytes);
    }
    auto first = read_hidden_line(prompt, max_bytes);
    if (!first) {
        return first;
    }
    auto second = read_hidden_line("again: ", max_bytes);
    if (!second) {
        wipe(*first);
        return second;
    }
    bool same = *first == *second;
    wipe(*second);
    if (!same) {
        wipe(*first);
        return make_error(ErrorCode::invalid_argument, "the two values typed differ");
    }
    return first;
}

void wipe(std::string& secret) {
    // volatile: the compiler may not skip stores to memory about to be freed.
    volatile char* p = secret.data();
    for (std::size_t i = 0; i < secret.size(); ++i) {
        p[i] = '\0';
    }
    secret.clear();
}

}  // namespace cs::agent::platform
