#include "agent/ship/delivery.hpp"

#include <algorithm>

namespace cs::agent::ship {

void DeliveryWindow::begin_session(std::uint64_t last_applied, std::size_t window) {
    std::erase_if(slots_, [](const auto& slot) { return slot.second.state != State::rejected; });
    in_flight_ = 0;
    window_ = std::max<std::size_t>(window, 1);
    next_after_ = last_applied;
}

void DeliveryWindow::sent(std::uint64_t sequence) {
    auto [it, inserted] = slots_.try_emplace(sequence);
    if (!inserted && it->second.state == State::in_flight) {
        return;  // already counted
    }
    // A rejected set sent again (its quarantine had failed) is in flight anew.
    it->second = Slot{};
    ++in_flight_;
    next_after_ = std::max(next_after_, sequence);
}

DeliveryWindow::AckResult DeliveryWindow::acknowledge(std::uint64_t sequence, AckStatus status,
                                                      const std::string& error) {
    auto it = slots_.find(sequence);
    if (it == slots_.end() || it->second.state != State::in_flight) {
        return AckResult::not_in_flight;
    }
    --in_flight_;
    if (status == AckStatus::rejected) {
        it->second = Slot{State::rejected, error};
    } else {
        it->second = Slot{State::done, {}};
    }
    return AckResult::recorded;
}

std::optional<std::uint64_t> DeliveryWindow::trim_through(std::uint64_t last_applied) const {
    for (const auto& [sequence, slot] : slots_) {
        if (slot.state == State::rejected && sequence <= last_applied) {
            if (sequence == 1) {
                return std::nullopt;
            }
            return sequence - 1;
        }
    }
    return last_applied == 0 ? std::nullopt : std::optional<std::uint64_t>(last_applied);
}

Status DeliveryWindow::settle(DeliveryStore& store) {
    std::optional<std::uint64_t> through;
    auto flush = [&]() -> Status {
        if (!through) {
            return ok();
        }
        if (auto st = store.delete_through(*through); !st) {
            return st;
        }
        slots_.erase(slots_.begin(), slots_.upper_bound(*through));
        through.reset();
        return ok();
    };
    for (auto it = slots_.begin(); it != slots_.end();) {
        if (it->second.state == State::in_flight) {
            break;
        }
        if (it->second.state == State::done) {
            through = it->first;
            ++it;
            continue;
        }
        // Rejected: everything before it goes first, then it moves to the
        // quarantine; only then may later sets be deleted.
        std::uint64_t sequence = it->first;
        if (auto st = flush(); !st) {
            return st;
        }
        it = slots_.find(sequence);
        if (auto st = store.quarantine(sequence, it->second.error); !st) {
            return st;
        }
        it = slots_.erase(it);
    }
    return flush();
}

bool DeliveryWindow::settled() const {
    return std::none_of(slots_.begin(), slots_.end(),
                        [](const auto& slot) { return slot.second.state != State::in_flight; });
}

}  // namespace cs::agent::ship
