#pragma once

#include <functional>
#include <string>

namespace cs::agent::ship {

// A `command` message from the relay (docs/protocol.md).
struct RelayCommand {
    std::string id;
    std::string command;  // sync_now | full_resync | retry_failed
    std::string entity;   // empty: every entity
};

// The answer sent back as `command_result`.
struct CommandResult {
    std::string id;
    bool ok = false;
    std::string message;
    std::string run_id;  // empty when no run resulted
};

// Executes relay commands for the uplink. handle() is called on the uplink's
// thread and must return quickly: the work happens elsewhere and `reply` is
// called once, from any thread, when it is done. A reply that arrives while the
// link is down is sent after the next welcome.
class CommandHandler {
public:
    virtual ~CommandHandler() = default;
    virtual void handle(const RelayCommand& command, std::function<void(CommandResult)> reply) = 0;
};

}  // namespace cs::agent::ship
