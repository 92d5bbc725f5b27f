#pragma once

// The platform half of console.hpp: what posix/console.cpp and
// windows/console.cpp provide to the shared console.cpp.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::agent::platform::console_io {

// True when standard input is a terminal (a console on Windows), so a value
// is typed; false when it is piped or redirected.
bool stdin_is_terminal();

// All of standard input without its trailing line ends; an error past
// `max_bytes` (input_too_large).
Expected<std::string> read_stdin(std::size_t max_bytes);

// One line typed with echo off, after `prompt` on standard error, without its
// line end; echo is restored whatever happens.
Expected<std::string> read_hidden_line(std::string_view prompt, std::size_t max_bytes);

// Shared by both platforms (console.cpp).
void trim_line_ends(std::string& text);
Error input_too_large(std::size_t max_bytes);

}  // namespace cs::agent::platform::console_io
