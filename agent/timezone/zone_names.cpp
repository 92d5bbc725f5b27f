#include "agent/timezone/zone_names.hpp"

#include <algorithm>
#include <exception>
#include <iterator>

#include <date/tz.h>

namespace cs::agent::timezone {
namespace {

struct WindowsZone {
    std::string_view windows;
    std::string_view iana;
};

constexpr WindowsZone kWindowsZones[] = {
#include "windows_zones_table.inc"
};

bool same_ignoring_case(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::optional<std::string_view> iana_for_windows_zone(std::string_view windows_name) {
    auto it = std::find_if(
        std::begin(kWindowsZones), std::end(kWindowsZones),
        [&](const WindowsZone& z) { return same_ignoring_case(z.windows, windows_name); });
    if (it == std::end(kWindowsZones)) {
        return std::nullopt;
    }
    return it->iana;
}

Expected<const date::time_zone*> locate(std::string_view name) {
    std::string_view iana = name;
    if (auto mapped = iana_for_windows_zone(name)) {
        iana = *mapped;
    }
    try {
        const date::time_zone* zone = date::locate_zone(iana);
        // Loads the zone's rules now, so that conversions on the hot path cannot
        // meet a missing or unreadable tz database (and never throw).
        (void)zone->get_info(date::sys_seconds{});
        return zone;
    } catch (const std::exception& e) {
        // "X not found in timezone database" only repeats the name; anything
        // else (an unreadable tz database) is worth passing on.
        std::string_view reason = e.what();
        const bool not_found = reason.find("not found") != std::string_view::npos;
        return make_error(ErrorCode::invalid_argument,
                          "unknown time zone '{}' (use an IANA name such as America/Chicago, or "
                          "a Windows zone name such as Central Standard Time){}{}",
                          name, not_found ? "" : ": ", not_found ? "" : reason);
    }
}

}  // namespace cs::agent::timezone
