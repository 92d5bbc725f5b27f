#pragma once

#include <string>
#include <string_view>

#include "tests/tools/p21sim/context.hpp"
#include "tests/tools/p21sim/http_types.hpp"
#include "tests/tools/p21sim/query_string.hpp"

// Request handlers behind Simulator::handle(); internal to the simulator.
namespace cs::p21sim {

// Which P21 path a data request came through.
enum class DataApi { table, view, dataservices };

HttpResponse error_response(int status, std::string_view message);
HttpResponse json_response(int status, std::string body);

// Carries out a page's truncate/stall decision on a 200 answer and counts it.
void apply_page_fault(Context& context, const Faults::PageDecision& fault, HttpResponse& response);

// "http://127.0.0.1:port" (or https) from the Host header, else the listener's origin.
std::string request_origin(const Context& context, const HttpRequest& request);

// POST /api/security/token/v2 (JSON body) and /api/security/token (headers).
HttpResponse handle_token(Context& context, const HttpRequest& request, bool legacy);

// GET /odataservice/odata/table/{t}, /odataservice/odata/view/{v}, /api/dataservices/{v}.
// `body_buffer`: see Simulator::handle().
HttpResponse handle_data(Context& context, const HttpRequest& request, const Target& target,
                         DataApi api, std::string_view name, std::string& body_buffer);

// /generic/v4/... : a plain OData v4 service shaped unlike P21.
HttpResponse handle_generic(Context& context, const HttpRequest& request, const Target& target,
                            std::string& body_buffer, std::string_view rest);

// /__admin/...
HttpResponse handle_admin(Context& context, const HttpRequest& request, const Target& target);

// CSDL for $metadata: one entity type and set per schema.
std::string metadata_xml(std::string_view namespace_name,
                         std::span<const TableSchema* const> schemas);

}  // namespace cs::p21sim
