#include "relay/api/routes/record_export.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/csv/csv_writer.hpp"
#include "relay/api/routes/record_view.hpp"
#include "relay/api/routes/site_json.hpp"
#include "relay/db/exact_json.hpp"

namespace cs::relay::api::routes {
namespace {

constexpr std::int64_t kBatch = 1000;
constexpr std::size_t kMaxColumns = 200;

std::string value_text(const nlohmann::json& v) {
    if (v.is_null()) {
        return {};
    }
    if (v.is_string()) {
        return v.get<std::string>();
    }
    return db::dump_exact(v);
}

// `columns` (comma-separated field names) or every field.
Expected<std::vector<std::string>> export_columns(const RequestContext& ctx,
                                                  const std::vector<std::string>& fields,
                                                  const RecordView& view) {
    auto text = ctx.query.get("columns").value_or("");
    if (text.empty()) {
        return fields;
    }
    std::vector<std::string> out;
    std::size_t from = 0;
    while (from <= text.size()) {
        auto comma = std::min(text.find(',', from), text.size());
        auto name = text.substr(from, comma - from);
        from = comma + 1;
        if (name.empty()) {
            continue;
        }
        if (!std::binary_search(fields.begin(), fields.end(), name)) {
            return make_error(ErrorCode::invalid_argument,
                              "'columns' names field '{}', which no {} record has",
                              name.substr(0, 140), view.entity);
        }
        if (out.size() == kMaxColumns) {
            return make_error(ErrorCode::invalid_argument, "'columns' names more than {} fields",
                              kMaxColumns);
        }
        out.push_back(std::move(name));
    }
    return out;
}

}  // namespace

Reply export_records(RequestContext& ctx) {
    auto tenant = site_tenant(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    auto view = parse_view(ctx, *tenant);
    if (!view) {
        return Reply::from(view.error());
    }
    auto fields = entity_fields(ctx.db, *view);
    if (!fields) {
        return Reply::from(fields.error());
    }
    if (auto s = check_fields(ctx.db, *view, *fields); !s) {
        return Reply::from(s.error());
    }
    auto columns = export_columns(ctx, *fields, *view);
    auto count = count_view(ctx.db, *view);
    if (!columns || !count) {
        return Reply::from(!columns ? columns.error() : count.error());
    }
    if (!count->exact || !count->total || *count->total > kMaxExportRecords) {
        return Reply::error(
            413, fmt::format(
                     "an export holds up to {} records and this view has {}; narrow it "
                     "with a filter or a search",
                     kMaxExportRecords,
                     count->total ? fmt::format("about {}", *count->total) : "too many to count"));
    }
    Reply r;
    r.content_type = "text/csv; charset=utf-8";
    std::string name = view->entity;
    for (char& c : name) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '-' || c == '.';
        c = plain ? c : '_';
    }
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
    std::string& out = r.raw;
    out = "bk_hash,deleted,last_changed_at";
    for (const auto& c : *columns) {
        out += ',';
        csv::append_cell(out, c);
    }
    out += "\r\n";
    PageStart start;
    for (;;) {
        auto page = fetch_page(ctx.db, *view, start, kBatch);
        if (!page) {
            return Reply::from(page.error());
        }
        for (const auto& item : page->items) {
            out += item["bk_hash"].get<std::string>();
            out += item["deleted"].get<bool>() ? ",true," : ",false,";
            csv::append_cell(out, value_text(item["last_changed_at"]));
            const auto& data = item["data"];
            for (const auto& c : *columns) {
                out += ',';
                auto it = data.find(c);
                csv::append_cell(out, it == data.end() ? std::string() : value_text(*it));
            }
            out += "\r\n";
        }
        if (!page->more_after) {
            return r;
        }
        start.mode = PageStart::Mode::after;
        start.sort_value = page->sort_values.back();
        start.bk_hash = page->items.back()["bk_hash"].get<std::string>();
    }
}

}  // namespace cs::relay::api::routes
