// Reconciliation runs (docs/reconciliation.md): the list, one run, a run now,
// and the scheduler's view of the tenant: the last run, failed runs in a row
// and the next attempt.
#include "relay/api/core/api_env.hpp"
#include "relay/api/routes/recon_support.hpp"
#include "relay/api/routes/route_support.hpp"
#include "relay/api/routes/routes.hpp"
#include "relay/recon/recon.hpp"

namespace cs::relay::api::routes {
namespace {

namespace rc = recon;
using namespace recon_support;

// Vendor items a manual run suggests mappings for before it answers; the
// scheduler's next tick continues with the rest.
constexpr std::size_t kSuggestKeysPerRequest = 200;

Reply list_runs(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto page = ctx.page();
    if (!tenant || !page) {
        return Reply::from(!tenant ? tenant.error() : page.error());
    }
    auto runs = rc::list_runs(ctx.db, *tenant, library_cursor(*page), static_cast<int>(page->size));
    return runs ? Reply::json(page_json(*runs)) : Reply::from(runs.error());
}

Reply start_run(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto body = optional_body(ctx);
    if (!tenant || !body) {
        return Reply::from(!tenant ? tenant.error() : body.error());
    }
    if (auto s = only_fields(*body, {"as_of"}); !s) {
        return Reply::from(s.error());
    }
    rc::RunOptions options;
    options.trigger = rc::Trigger::manual;
    options.requested_by = actor(ctx);
    if (auto as_of = string_field(*body, "as_of", false, 10); !as_of) {
        return Reply::from(as_of.error());
    } else if (*as_of) {
        auto date = Date::parse_iso(**as_of);
        if (!date) {
            return bad_request("'as_of' must be a date (YYYY-MM-DD)");
        }
        options.as_of = *date;
    }
    auto summary = rc::run(ctx.db, *tenant, options);
    if (!summary) {
        return Reply::from(summary.error());
    }
    // What the run found unmapped gets its suggestions now, so the person who
    // asked can decide them at once (the scheduler does the same after its runs).
    rc::SuggestOptions suggest;
    suggest.max_keys = kSuggestKeysPerRequest;
    auto suggested = rc::suggest_mappings(ctx.db, *tenant, suggest);
    if (!suggested) {
        return Reply::from(suggested.error());
    }
    auto out = rc::to_json(*summary);
    out["suggestions_added"] = suggested->suggestions;
    if (auto s = ctx.audit("recon.run.start", "recon_run", summary->run_id, nullptr, out, *tenant);
        !s) {
        return Reply::from(s.error());
    }
    return Reply::created(std::move(out));
}

Reply get_run(RequestContext& ctx) {
    auto tenant = scope(ctx);
    auto id = uuid_param(ctx, "run_id");
    if (!tenant || !id) {
        return Reply::from(!tenant ? tenant.error() : id.error());
    }
    auto run = rc::get_run(ctx.db, *tenant, *id);
    return run ? Reply::json(rc::to_json(*run)) : Reply::from(run.error());
}

Reply get_state(RequestContext& ctx) {
    auto tenant = scope(ctx);
    if (!tenant) {
        return Reply::from(tenant.error());
    }
    auto state = rc::get_state(ctx.db, *tenant);
    return state ? Reply::json(rc::to_json(*state)) : Reply::from(state.error());
}

}  // namespace

void add_recon_run_routes(RouteTable& t) {
    t.add({"GET", "/api/v1/recon/runs", kAnyone, Access::scoped, list_runs,
           "Reconciliation runs, newest first"});
    // Heavy: a longer statement timeout, one per tenant at a time (api.heavy_*).
    t.add({"POST", "/api/v1/recon/runs", kStaff | kTenantAdmin | kTenantAnalyst, Access::scoped,
           start_run,
           "Reconcile now (as_of: the day effective dates are judged on), then suggest mappings "
           "for what is unmapped"})
        .heavy = true;
    t.add({"GET", "/api/v1/recon/runs/{run_id}", kAnyone, Access::scoped, get_run,
           "One run and what it found"});
    t.add({"GET", "/api/v1/recon/state", kAnyone, Access::scoped, get_state,
           "When reconciliation last ran, failures in a row and the next attempt"});
}

}  // namespace cs::relay::api::routes
