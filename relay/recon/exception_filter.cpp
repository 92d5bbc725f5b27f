#include "relay/recon/exception_filter.hpp"

#include "relay/recon/atomic.hpp"

namespace cs::relay::recon {

Status validate_filter(const ExceptionFilter& f) {
    if (f.assignee && *f.assignee != "none" && *f.assignee != "") {
        if (auto id = canonical_uuid(*f.assignee, "assignee"); !id) {
            return std::move(id).error();
        }
    }
    return ok();
}

// '' stands for any.
db::Params filter_params(std::string_view tenant_id, const ExceptionFilter& f) {
    db::Params p;
    p.text(tenant_id)
        .text(f.status ? to_string(*f.status) : "")
        .text(f.rule ? to_string(*f.rule) : "")
        .text(f.severity ? std::to_string(static_cast<int>(*f.severity)) : "")
        .text(f.vendor_id.value_or(""))
        .text(f.assignee.value_or(""));
    return p;
}

std::string_view exception_sort_keys() {
    return "number, severity, vendor, item, contract_price, p21_cost, difference, "
           "difference_pct, contract_uom, p21_uom, effective_end, first_seen, last_seen";
}

Expected<ExceptionSort> parse_exception_sort(std::string_view text) {
    ExceptionSort out;
    out.descending = !text.empty() && text.front() == '-';
    std::string_view key = out.descending ? text.substr(1) : text;
    std::string_view known = exception_sort_keys();
    // The key list is its own whitelist: a key is known when it is one of its
    // comma-separated words.
    for (std::size_t at = 0; at < known.size();) {
        std::size_t end = known.find(',', at);
        std::string_view word = known.substr(at, end == known.npos ? known.npos : end - at);
        if (!key.empty() && word == key) {
            out.key = std::string(key);
            return out;
        }
        at = end == known.npos ? known.size() : end + 2;
    }
    return make_error(ErrorCode::invalid_argument,
                      "sort: unknown key '{}'; sort by one of {} (a leading '-' for descending)",
                      std::string(text.substr(0, 64)), known);
}

std::string_view filter_where() {
    return R"sql(
    tenant_id = $1::uuid
    AND ($2 = '' OR status = $2)
    AND ($3 = '' OR rule = $3)
    AND ($4 = '' OR severity_rank = nullif($4, '')::smallint)
    AND ($5 = '' OR vendor_id = upper($5))
    AND ($6 = '' OR ($6 = 'none' AND assignee IS NULL)
         OR ($6 <> 'none' AND assignee = nullif(nullif($6, ''), 'none')::uuid)))sql";
}

}  // namespace cs::relay::recon
