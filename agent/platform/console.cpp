#include "agent/platform/console.hpp"

#include "agent/platform/console_io.hpp"

namespace cs::agent::platform {

namespace console_io {

void trim_line_ends(std::string& text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
}

Error input_too_large(std::size_t max_bytes) {
    return make_error(ErrorCode::limit_exceeded,
                      "standard input: more than {} bytes; a secret is a key or a password",
                      max_bytes);
}

}  // namespace console_io

Expected<std::string> read_secret_input(std::string_view prompt, std::size_t max_bytes) {
    if (!console_io::stdin_is_terminal()) {
        return console_io::read_stdin(max_bytes);
    }
    auto first = console_io::read_hidden_line(prompt, max_bytes);
    if (!first) {
        return first;
    }
    auto second = console_io::read_hidden_line("again: ", max_bytes);
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

}  // namespace cs::agent::platform
