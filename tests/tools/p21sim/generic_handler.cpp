// /generic/v4: an OData v4 service that is not shaped like P21 (README.md,
// "Generic OData v4 surface"): other entity set and property names, string keys,
// booleans, UTC datetimes, server-driven paging with relative next links and
// opaque skip tokens, no $skip, no authentication.
#include <vector>

#include <fmt/format.h>

#include "common/text/json_string.hpp"
#include "tests/tools/p21sim/handlers.hpp"
#include "tests/tools/p21sim/page.hpp"

namespace cs::p21sim {

namespace {

HttpResponse service_document(const Context& context, const HttpRequest& request) {
    std::string body = R"({"@odata.context":)";
    text::append_json_string(body, request_origin(context, request) + "/generic/v4/$metadata");
    body += R"(,"value":[)";
    bool first = true;
    for (const EntitySet& set : generic_entity_sets()) {
        body += fmt::format(R"({}{{"name":"{}","kind":"EntitySet","url":"{}"}})", first ? "" : ",",
                            set.name, set.name);
        first = false;
    }
    body += "]}";
    HttpResponse r = json_response(200, std::move(body));
    r.content_type = std::string(kODataJson);
    r.headers.emplace_back("OData-Version", "4.0");
    return r;
}

HttpResponse metadata() {
    std::vector<const TableSchema*> schemas;
    for (const EntitySet& set : generic_entity_sets()) {
        schemas.push_back(&set.schema);
    }
    HttpResponse r;
    r.content_type = "application/xml";
    r.body = metadata_xml("Generic", schemas);
    return r;
}

}  // namespace

HttpResponse handle_generic(Context& context, const HttpRequest& request, const Target& target,
                            std::string& body_buffer, std::string_view rest) {
    if (rest.empty() || rest == "/") {
        return service_document(context, request);
    }
    std::string_view name = rest.substr(1);
    if (name == "$metadata") {
        return metadata();
    }
    auto page_fault = context.faults.on_page();
    if (page_fault.expire_tokens) {
        context.tokens.revoke_all();
    }
    const EntitySet* set = find_entity_set(name);
    if (set == nullptr) {
        return error_response(404, fmt::format("The entity set '{}' does not exist.", name));
    }
    Dataset dataset(context.table(set->table), set);
    auto options = parse_query_options(target, dataset.schema(), context.zone, Surface::generic);
    if (!options) {
        return error_response(http_status(options.error()), options.error().message);
    }
    PageRequest page{
        .dataset = dataset,
        .options = *options,
        .target = target,
        .surface = Surface::generic,
        .context_url = request_origin(context, request) + "/generic/v4/$metadata#" + set->name,
        .server_paging = true,
        .page_size = context.config.generic_page_size,
        .link_prefix = set->name,
        .max_response_rows = context.config.max_response_rows,
        .style = {&context.zone, DateTimeStyle::utc},
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
