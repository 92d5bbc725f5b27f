#include "relay/recon/sql_util.hpp"

#include <charconv>

#include <fmt/format.h>

#include "relay/recon/atomic.hpp"
#include "relay/recon/types.hpp"

namespace cs::relay::recon::sql {

std::string iso(std::string_view column) {
    return fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
                       column);
}

void copy_field(std::string& row, std::optional<std::string_view> value, bool last) {
    if (!value) {
        row += "\\N";
    } else {
        for (char c : *value) {
            switch (c) {
                case '\\':
                    row += "\\\\";
                    break;
                case '\t':
                    row += "\\t";
                    break;
                case '\n':
                    row += "\\n";
                    break;
                case '\r':
                    row += "\\r";
                    break;
                default:
                    row.push_back(c);
            }
        }
    }
    row.push_back(last ? '\n' : '\t');
}

Status mark_inputs_changed(db::Connection& conn, std::string_view tenant_id) {
    auto r = conn.query("marking reconciliation inputs changed", R"sql(
        INSERT INTO recon_state (tenant_id, inputs_changed_at) VALUES ($1::uuid, clock_timestamp())
        ON CONFLICT (tenant_id) DO UPDATE
            SET inputs_changed_at = greatest(recon_state.inputs_changed_at, EXCLUDED.inputs_changed_at))sql",
                        db::Params().text(tenant_id));
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

Expected<std::optional<std::pair<std::int64_t, std::int64_t>>> parse_pair_cursor(
    std::string_view cursor) {
    using Out = std::optional<std::pair<std::int64_t, std::int64_t>>;
    if (cursor.empty()) {
        return Out();
    }
    auto bad = [&] {
        return make_error(ErrorCode::invalid_argument, "cursor '{}' is not one this list gave out",
                          cursor.substr(0, 64));
    };
    auto dot = cursor.find('.');
    if (dot == std::string_view::npos) {
        return bad();
    }
    std::int64_t a = 0;
    std::int64_t b = 0;
    auto first = cursor.substr(0, dot);
    auto second = cursor.substr(dot + 1);
    auto ra = std::from_chars(first.data(), first.data() + first.size(), a);
    auto rb = std::from_chars(second.data(), second.data() + second.size(), b);
    if (first.empty() || second.empty() || ra.ec != std::errc() ||
        ra.ptr != first.data() + first.size() || rb.ec != std::errc() ||
        rb.ptr != second.data() + second.size()) {
        return bad();
    }
    return Out(std::pair(a, b));
}

int page_size(int requested) {
    if (requested <= 0) {
        return 50;
    }
    return requested > kMaxPageSize ? kMaxPageSize : requested;
}

Expected<std::string> parse_uuid_cursor(std::string_view cursor) {
    if (cursor.empty()) {
        return std::string();
    }
    return canonical_uuid(cursor, "cursor");
}

}  // namespace cs::relay::recon::sql
