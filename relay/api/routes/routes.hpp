#pragma once

#include <memory>

#include "relay/api/core/route_table.hpp"

namespace cs::relay::api::routes {

void add_auth_routes(RouteTable& table);
void add_user_routes(RouteTable& table);
void add_token_routes(RouteTable& table);
void add_tenant_routes(RouteTable& table);
void add_site_routes(RouteTable& table);
void add_command_routes(RouteTable& table);
void add_data_routes(RouteTable& table);
void add_sync_routes(RouteTable& table);
void add_fleet_routes(RouteTable& table);
void add_audit_routes(RouteTable& table);
void add_alert_routes(RouteTable& table);
void add_recon_exception_routes(RouteTable& table);
void add_recon_routes(RouteTable& table);
void add_recon_run_routes(RouteTable& table);
void add_recon_file_routes(RouteTable& table);
void add_notification_routes(RouteTable& table);

}  // namespace cs::relay::api::routes
