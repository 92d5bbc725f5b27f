#pragma once

// Contract reconciliation: vendor contract lines against synced P21 data
// (docs/reconciliation.md). What the REST API and the scheduler call; every
// function takes a db::Connection and the tenant id, filters by tenant_id in its
// SQL, and works both as the owner and inside an API transaction running as
// contractsync_tenant (row-level security active, contractsync.tenant_id set).
// Mutations run atomically (a savepoint inside the caller's transaction) and
// return AuditRecords for the audit log.
//
//   vendor files   ingest_vendor_file, list_vendor_files, get_vendor_file,
//                  vendor_file_errors                       (vendor_files.hpp)
//   runs           run, get_run, list_runs; Scheduler         (run.hpp, scheduler.hpp)
//   P21 catalog    refresh_p21_catalog (run() calls it)       (p21_catalog.hpp)
//   exceptions     list_exceptions, count_exceptions, get_exception,
//                  exception_events, export_exceptions_csv     (exceptions.hpp)
//                  act_on_exception(s), act_on_matching        (exception_actions.hpp)
//   mappings       list_mappings, get_mapping, decide_mappings, edit_mapping,
//                  create_mapping, suggest_mappings            (mappings.hpp)
//   P21 search     find_p21_items, find_p21_suppliers         (p21_search.hpp)
//   policy         get_policy, update_policy, policy_from_json,
//                  list_vendor_links, set_vendor_link          (policy.hpp)

#include "relay/recon/exception_actions.hpp"
#include "relay/recon/exceptions.hpp"
#include "relay/recon/mappings.hpp"
#include "relay/recon/p21_catalog.hpp"
#include "relay/recon/p21_search.hpp"
#include "relay/recon/policy.hpp"
#include "relay/recon/run.hpp"
#include "relay/recon/scheduler.hpp"
#include "relay/recon/types.hpp"
#include "relay/recon/vendor_file_reader.hpp"
#include "relay/recon/vendor_files.hpp"
