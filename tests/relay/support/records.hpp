#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "relay/apply/prepare.hpp"
#include "relay/db/connection.hpp"
#include "tests/relay/support/source_model.hpp"

namespace cs::relay::testing {

// Fails the current test unless the relay's records for the model's entity are
// exactly the source: every live row present, not deleted, with the same data
// hash and every field's value; every removed row soft-deleted; nothing else.
void expect_records_match(db::Connection& conn, const apply::SiteRef& site,
                          const SourceModel& model);

// Fails the current test unless applied_change_sets for the stream holds
// exactly `sequences`, each once, and streams.last_sequence is the highest.
void expect_ledger(db::Connection& conn, const apply::SiteRef& site, const std::string& stream_id,
                   const std::set<std::uint64_t>& sequences);

// A single value from a query ("" for null); fails the test on error.
std::string scalar(db::Connection& conn, const std::string& sql);

}  // namespace cs::relay::testing
