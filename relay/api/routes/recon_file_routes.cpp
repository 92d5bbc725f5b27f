// Vendor contract files uploaded through the API (docs/reconciliation.md,
// "Uploaded files"): the upload, the list, one file and its line errors.
#include <fmt/format.h>

#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/recon_support.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/recon/recon.hpp"

namespace cs::relay::api::routes {
namespace {

using json = nlohmann::json;
namespace rc = recon;
using namespace recon_support;

Reply upload_vendor_file(RequestContext& ctx) {
    auto tenant = scope(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    if (ctx.env.blobs == nullptr) {
        return Reply::error(503,
                            "uploads need somewhere to keep the files: set the relay's "
                            "data_dir");
    }
    auto type = ctx.http.header("content-type");
    if (type.substr(0, 16) == "application/json") {
        return Reply::error(415,
                            "send the file itself as the body (text/csv, the XLSX media type or "
                            "application/octet-stream) with ?name=<file name>");
    }
    auto name = query(ctx, "name");
    if (!name || name->size() > 255) {
        return bad_request("'name' (the file's name, 1-255 bytes) is required");
    }
    // The server streams the body to the store's staging area; callers in
    // process (tests, tools) may still hand it over in memory.
    auto* staged = ctx.http.upload.get();
    if (staged != nullptr ? staged->size() == 0 : ctx.http.body.empty()) {
        return bad_request("the file is empty");
    }
    rc::VendorUpload upload;
    upload.file_name = *name;
    upload.bytes = ctx.http.body;
    upload.staged = staged;
    upload.options.vendor_id = query(ctx, "vendor_id");
    upload.options.contract_no = query(ctx, "contract_no");
    upload.options.day_first = query(ctx, "day_first").value_or("false") == "true";
    upload.options.decimal_comma = query(ctx, "decimal_comma").value_or("false") == "true";
    upload.options.limits.max_file_bytes = ctx.env.max_upload_bytes;
    upload.uploaded_by = actor(ctx);
    auto report = rc::ingest_vendor_file(ctx.db, *ctx.env.blobs, *tenant, upload);
    if (!report) {
        return Reply::from(report.error());
    }
    if (auto s = audit(ctx, report->audit, *tenant); !s) {
        // The file row goes with the transaction; its bytes stay (unreferenced).
        return Reply::from(s.error());
    }
    json errors = json::array();
    for (const auto& e : report->errors) {
        errors.push_back(rc::to_json(e));
    }
    return Reply::created({{"file", rc::to_json(report->file)},
                           {"errors", std::move(errors)},
                           {"superseded_lines", report->superseded_lines}});
}

Reply list_vendor_files(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto page = ctx.page();
    if (!tenant || !page) {
        return Reply::from(!tenant ? tenant.error() : page.error());
    }
    auto files =
        rc::list_vendor_files(ctx.db, *tenant, library_cursor(*page), static_cast<int>(page->size));
    return files ? Reply::json(page_json(*files)) : Reply::from(files.error());
}

Reply get_vendor_file(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto id = uuid_param(ctx, "file_id");
    if (!tenant || !id) {
        return Reply::from(!tenant ? tenant.error() : id.error());
    }
    auto file = rc::get_vendor_file(ctx.db, *tenant, *id);
    if (!file) {
        return Reply::from(file.error());
    }
    auto errors = rc::vendor_file_errors(ctx.db, *tenant, *id);
    if (!errors) {
        return Reply::from(errors.error());
    }
    json out = rc::to_json(*file);
    out["errors"] = json::array();
    for (const auto& e : *errors) {
        out["errors"].push_back(rc::to_json(e));
    }
    return Reply::json(std::move(out));
}

Reply get_vendor_file_errors(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto id = uuid_param(ctx, "file_id");
    if (!tenant || !id) {
        return Reply::from(!tenant ? tenant.error() : id.error());
    }
    if (auto file = rc::get_vendor_file(ctx.db, *tenant, *id); !file) {
        return Reply::from(file.error());
    }
    return items_reply(rc::vendor_file_errors(ctx.db, *tenant, *id));
}

}  // namespace

void add_recon_file_routes(RouteTable& t) {
    constexpr Roles kWorkers = kStaffAdmin | kTenantAdmin | kTenantAnalyst;
    // Heavy: a longer statement timeout and a cap on uploads at once (api.heavy_*).
    t.add({"POST", "/api/v1/vendor-files", kWorkers, Access::scoped, upload_vendor_file,
           "Upload a vendor contract file (CSV or XLSX) as the body", true})
        .heavy = true;
    t.add({"GET", "/api/v1/vendor-files", kAnyone, Access::scoped, list_vendor_files,
           "Uploaded vendor files, newest first"});
    t.add({"GET", "/api/v1/vendor-files/{file_id}", kAnyone, Access::scoped, get_vendor_file,
           "One uploaded file with its line errors"});
    t.add({"GET", "/api/v1/vendor-files/{file_id}/errors", kAnyone, Access::scoped,
           get_vendor_file_errors, "The line errors of one uploaded file, in line order"});
}

}  // namespace cs::relay::api::routes
