#include "agent/platform/console.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <termios.h>
#include <unistd.h>

#include "agent/platform/console_io.hpp"

namespace cs::agent::platform {

namespace console_io {

bool stdin_is_terminal() {
    return ::isatty(STDIN_FILENO) != 0;
}

Expected<std::string> read_stdin(std::size_t max_bytes) {
    std::string text;
    char buffer[4096];
    while (true) {
        auto n = ::read(STDIN_FILENO, buffer, sizeof buffer);
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
            return input_too_large(max_bytes);
        }
    }
    std::memset(buffer, 0, sizeof buffer);
    trim_line_ends(text);
    return text;
}

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

}  // namespace console_io

void wipe(std::string& secret) {
    // volatile: the compiler may not skip stores to memory about to be freed.
    volatile char* p = secret.data();
    for (std::size_t i = 0; i < secret.size(); ++i) {
        p[i] = '\0';
    }
    secret.clear();
}

}  // namespace cs::agent::platform
