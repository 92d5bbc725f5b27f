#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tests/tools/p21sim/handlers.hpp"

// Pieces of the admin API shared by its source files; internal to the simulator.
namespace cs::p21sim {

// The request body as a JSON object ("" reads as {}), or a 400 response.
Expected<nlohmann::json> admin_body(const HttpRequest& request);

HttpResponse admin_json(int status, const nlohmann::json& body);

// /__admin/table/{name}[/{action}]
HttpResponse handle_admin_table(Context& context, const HttpRequest& request, const Target& target,
                                std::string_view rest);

// /__admin/faults: reads the fields of a POST body into the fault and token settings.
Status apply_fault_fields(const nlohmann::json& body, FaultConfig& faults, TokenService& tokens);
nlohmann::json faults_json(const Context& context);

}  // namespace cs::p21sim
