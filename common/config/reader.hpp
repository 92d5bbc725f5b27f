#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/document.hpp"

namespace cs::config {

// Typed, position-aware access to one JSON object inside a Document. Every error
// names the file and line (or environment variable) and the dotted key.
class Reader {
public:
    explicit Reader(const Document& doc, std::string pointer = "");

    const nlohmann::json& json() const { return *node_; }
    const std::string& pointer() const { return pointer_; }
    const Document& document() const { return *doc_; }
    bool has(std::string_view key) const;

    Expected<std::string> string(std::string_view key) const;
    Expected<std::string> string_or(std::string_view key, std::string fallback) const;
    Expected<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const;
    Expected<std::int64_t> integer_or(std::string_view key, std::int64_t fallback, std::int64_t min,
                                      std::int64_t max) const;
    // Non-money tuning knobs such as fractions.
    Expected<double> number_or(std::string_view key, double fallback, double min, double max) const;
    Expected<bool> boolean_or(std::string_view key, bool fallback) const;
    // "90s", "10m", "2h", "1d", "250ms" or a bare number of seconds.
    Expected<std::chrono::milliseconds> duration_or(std::string_view key,
                                                    std::chrono::milliseconds fallback) const;
    Expected<std::vector<std::string>> string_list_or(std::string_view key,
                                                      std::vector<std::string> fallback) const;

    Expected<Reader> object(std::string_view key) const;
    std::optional<Reader> optional_object(std::string_view key) const;
    // An array of objects.
    Expected<std::vector<Reader>> objects(std::string_view key) const;
    // Each member of an object as (name, Reader) — for maps such as value maps.
    std::vector<std::pair<std::string, Reader>> members() const;

    // Rejects keys not in `known`, so a typo is an error instead of a silent default.
    Status allow_only(std::initializer_list<std::string_view> known) const;

    Error error(std::string_view key, std::string_view why) const;
    Error error_here(std::string_view why) const;

private:
    Reader(const Document& doc, std::string pointer, const nlohmann::json* node);
    std::string child_pointer(std::string_view key) const;
    const nlohmann::json* find(std::string_view key) const;

    const Document* doc_;
    std::string pointer_;
    const nlohmann::json* node_;
};

Expected<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace cs::config
