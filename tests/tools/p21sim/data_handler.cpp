// P21 data endpoints: /odataservice/odata/table|view/{name} and /api/dataservices/{view}.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "common/text/json_string.hpp"
#include "tests/tools/p21sim/handlers.hpp"
#include "tests/tools/p21sim/page.hpp"

namespace cs::p21sim {

namespace {

constexpr std::string_view kViewPrefix = "p21_view_";

std::string_view api_root(DataApi api) {
    switch (api) {
        case DataApi::table:
            return "/odataservice/odata/table";
        case DataApi::view:
            return "/odataservice/odata/view";
        case DataApi::dataservices:
            return "/api/dataservices";
    }
    return "";
}

// Tables are served by their names; views (both APIs) as p21_view_<table>.
std::optional<TableId> resolve(DataApi api, std::string_view name) {
    if (api == DataApi::table) {
        return table_by_name(name);
    }
    if (name.substr(0, kViewPrefix.size()) != kViewPrefix) {
        return std::nullopt;
    }
    return table_by_name(name.substr(kViewPrefix.size()));
}

bool denied(const Context& context, std::string_view name, TableId table) {
    const auto& deny = context.config.deny_tables;
    return std::any_of(deny.begin(), deny.end(), [&](const std::string& d) {
        return d == "*" || d == name || d == table_name(table);
    });
}

HttpResponse unauthorized(Context& context, TokenCheck check) {
    context.stats.token_failure(to_string(check));
    std::string_view message = "Authorization has been denied for this request.";
    switch (check) {
        case TokenCheck::expired:
        case TokenCheck::revoked:
        case TokenCheck::used_up:
            message = "The access token has expired.";
            break;
        case TokenCheck::superseded:
            message = "The access token is no longer valid: a newer session was opened.";
            break;
        default:
            break;
    }
    HttpResponse r = error_response(401, message);
    r.headers.emplace_back("WWW-Authenticate", R"(Bearer error="invalid_token")");
    return r;
}

HttpResponse service_document(const Context& context, const HttpRequest& request, DataApi api) {
    std::string origin = request_origin(context, request);
    std::string body = R"({"@odata.context":)";
    text::append_json_string(body, fmt::format("{}{}/$metadata", origin, api_root(api)));
    body += R"(,"value":[)";
    for (TableId id : kAllTables) {
        std::string name = api == DataApi::table
                               ? std::string(table_name(id))
                               : std::string(kViewPrefix) + std::string(table_name(id));
        body += fmt::format(R"({}{{"name":"{}","kind":"EntitySet","url":"{}"}})",
                            id == TableId::inv_mast ? "" : ",", name, name);
    }
    body += "]}";
    HttpResponse r = json_response(200, std::move(body));
    r.content_type = std::string(kODataJson);
    return r;
}

HttpResponse metadata(DataApi api) {
    std::array<TableSchema, kTableCount> renamed;
    std::array<const TableSchema*, kTableCount> schemas{};
    for (std::size_t i = 0; i < kTableCount; ++i) {
        renamed[i] = schema_of(kAllTables[i]);
        if (api != DataApi::table) {
            renamed[i].name = std::string(kViewPrefix) + renamed[i].name;
        }
        schemas[i] = &renamed[i];
    }
    HttpResponse r;
    r.content_type = "application/xml";
    r.body = metadata_xml("P21", schemas);
    return r;
}

}  // namespace

HttpResponse handle_data(Context& context, const HttpRequest& request, const Target& target,
                         DataApi api, std::string_view name, std::string& body_buffer) {
    // The page fault counter runs before authentication so "page N" means the Nth
    // data request whatever its outcome.
    auto page_fault = context.faults.on_page();
    if (page_fault.expire_tokens) {
        context.tokens.revoke_all();
    }
    TokenCheck check =
        context.tokens.check(request.header("authorization"), context.clock.now_ms());
    if (check != TokenCheck::ok) {
        return unauthorized(context, check);
    }
    if (name.empty()) {
        return service_document(context, request, api);
    }
    if (name == "$metadata") {
        return metadata(api);
    }
    auto table = resolve(api, name);
    if (!table) {
        return error_response(404, fmt::format("Resource not found for the segment '{}'.", name));
    }
    if (denied(context, name, *table)) {
        return error_response(403, "You are not authorized to access API");
    }
    Dataset dataset(context.table(*table));
    auto options = parse_query_options(target, dataset.schema(), context.zone, Surface::p21);
    if (!options) {
        return error_response(http_status(options.error()), options.error().message);
    }
    std::string origin = request_origin(context, request);
    std::string path = fmt::format("{}/{}", api_root(api), name);
    std::string context_url = fmt::format("{}{}/$metadata#{}", origin, api_root(api), name);
    if (options->select_given) {
        context_url += '(';
        for (std::size_t i = 0; i < options->select.size(); ++i) {
            context_url += (i == 0 ? "" : ",") + dataset.schema().columns[options->select[i]].name;
        }
        context_url += ')';
    }
    bool server_paging = context.config.paging == Paging::nextlink;
    PageRequest page{
        .dataset = dataset,
        .options = *options,
        .target = target,
        .surface = Surface::p21,
        .context_url = std::move(context_url),
        .server_paging = server_paging,
        .page_size = context.config.page_size,
        .max_top = context.config.max_page_size,
        .link_prefix =
            context.config.nextlink == LinkForm::absolute ? origin + path : std::string(name),
        .max_response_rows = context.config.max_response_rows,
        .style = context.json_style(),
        .body_buffer = &body_buffer,
    };
    HttpResponse response;
    {
        std::shared_lock lock(context.data_mutex);
        response = serve_page(context.engine, page);
    }
    apply_page_fault(context, page_fault, response);
    return response;
}

}  // namespace cs::p21sim
