#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/base/error.hpp"

namespace cs {

// A value or an Error. A subset of C++23 std::expected<T, Error> (not available in
// the C++20 toolchains we target); see docs/decisions.md. Construct from T for
// success and from Error for failure.
template <typename T>
class [[nodiscard]] Expected {
public:
    using value_type = T;

    Expected(const T& value) : state_(value) {}
    Expected(T&& value) : state_(std::move(value)) {}
    Expected(Error error) : state_(std::move(error)) {}
    template <typename U>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
             !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Expected>)
        Expected(U&& value)
        : state_(std::in_place_index<0>, std::forward<U>(value)) {}

    bool has_value() const { return state_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(state_);
    }
    // By value, so `for (auto& x : f().value())` cannot dangle.
    T value() && {
        assert(has_value());
        return std::get<0>(std::move(state_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& {
        assert(!has_value());
        return std::get<1>(state_);
    }
    Error&& error() && {
        assert(!has_value());
        return std::get<1>(std::move(state_));
    }

    template <typename U>
    T value_or(U&& fallback) const& {
        return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, Error> state_;
};

// Success or an Error, for operations without a result value.
template <>
class [[nodiscard]] Expected<void> {
public:
    using value_type = void;

    Expected() = default;
    Expected(Error error) : error_(std::move(error)), failed_(true) {}

    bool has_value() const { return !failed_; }
    explicit operator bool() const { return !failed_; }
    const Error& error() const& {
        assert(failed_);
        return error_;
    }
    Error&& error() && {
        assert(failed_);
        return std::move(error_);
    }

private:
    Error error_;
    bool failed_ = false;
};

using Status = Expected<void>;

inline Status ok() {
    return {};
}

}  // namespace cs
