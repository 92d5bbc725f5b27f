#include "relay/recon/types.hpp"

#include <array>
#include <utility>

namespace cs::relay::recon {
namespace {

template <typename E, std::size_t N>
Expected<E> parse_named(const std::array<std::pair<E, std::string_view>, N>& names,
                        std::string_view text, std::string_view what) {
    std::string expected;
    for (const auto& [value, name] : names) {
        if (name == text) {
            return value;
        }
        expected += expected.empty() ? "" : ", ";
        expected += name;
    }
    return make_error(ErrorCode::invalid_argument, "unknown {} '{}' (expected one of: {})", what,
                      text.substr(0, 64), expected);
}

constexpr std::array<std::pair<Rule, std::string_view>, 6> kRules = {{
    {Rule::missing_mapping, "MISSING_MAPPING"},
    {Rule::uom_mismatch, "UOM_MISMATCH"},
    {Rule::price_mismatch, "PRICE_MISMATCH"},
    {Rule::expired_contract, "EXPIRED_CONTRACT"},
    {Rule::not_yet_effective, "NOT_YET_EFFECTIVE"},
    {Rule::inactive_item, "INACTIVE_ITEM"},
}};

constexpr std::array<std::pair<Severity, std::string_view>, 3> kSeverities = {{
    {Severity::low, "low"},
    {Severity::medium, "medium"},
    {Severity::high, "high"},
}};

constexpr std::array<std::pair<ExceptionStatus, std::string_view>, 3> kStatuses = {{
    {ExceptionStatus::open, "open"},
    {ExceptionStatus::resolved, "resolved"},
    {ExceptionStatus::overridden, "overridden"},
}};

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
    for (const auto& [v, name] : names) {
        if (v == value) {
            return name;
        }
    }
    return "";
}

}  // namespace

std::string_view to_string(Rule rule) {
    return name_of(kRules, rule);
}

Expected<Rule> parse_rule(std::string_view text) {
    return parse_named(kRules, text, "rule");
}

std::string_view to_string(Severity severity) {
    return name_of(kSeverities, severity);
}

Expected<Severity> parse_severity(std::string_view text) {
    return parse_named(kSeverities, text, "severity");
}

std::string_view to_string(ExceptionStatus status) {
    return name_of(kStatuses, status);
}

Expected<ExceptionStatus> parse_exception_status(std::string_view text) {
    return parse_named(kStatuses, text, "status");
}

}  // namespace cs::relay::recon
