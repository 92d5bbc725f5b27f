#include "agent/normalize/date_parse.hpp"

#include <fmt/format.h>

#include "common/parse/date_formats.hpp"

namespace cs::agent::normalize {
namespace {

bool looks_like_serial(std::string_view text) {
    bool digit = false;
    bool point = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            digit = true;
        } else if (c == '.' && !point) {
            point = true;
        } else {
            return false;
        }
    }
    return digit;
}

std::string_view kind_name(CellKind kind) {
    switch (kind) {
        case CellKind::boolean:
            return "boolean";
        case CellKind::number:
            return "number";
        case CellKind::date:
            return "date";
        case CellKind::datetime:
            return "date-time";
        default:
            return "text";
    }
}

std::string no_match(const DateOptions& options, std::string_view text) {
    if (options.formats.size() > 4) {
        return fmt::format("'{}' is not a date in any of the {} accepted formats{}", text,
                           options.formats.size(),
                           options.excel_serial ? " nor an Excel serial" : "");
    }
    std::string list;
    for (const parse::DateFormat& format : options.formats) {
        list += list.empty() ? "" : ", ";
        list += format.pattern();
    }
    return fmt::format("'{}' does not match the date format{} {}", text,
                       options.formats.size() == 1 ? "" : "s", list);
}

}  // namespace

bool read_date_time(const DateOptions& options, CellKind kind, std::string_view text,
                    parse::DateTimeParts& out, std::string& why) {
    switch (kind) {
        case CellKind::date:
        case CellKind::datetime:
            if (parse::parse_iso8601(text, out)) {
                return true;
            }
            why = fmt::format("'{}' is not an ISO 8601 {} as the source promised", text,
                              kind_name(kind));
            return false;
        case CellKind::number:
            if (options.excel_serial) {
                return parse::excel_serial_to_parts(text, out, why);
            }
            why = fmt::format(
                "'{}' is a number, not a date (set excel_serial to read Excel "
                "date serials)",
                text);
            return false;
        case CellKind::boolean:
            why = fmt::format("'{}' is a boolean, not a date", text);
            return false;
        default:
            break;
    }
    for (const parse::DateFormat& format : options.formats) {
        if (format.match(text, out)) {
            return true;
        }
    }
    if (options.excel_serial && looks_like_serial(text)) {
        return parse::excel_serial_to_parts(text, out, why);
    }
    why = no_match(options, text);
    return false;
}

}  // namespace cs::agent::normalize
