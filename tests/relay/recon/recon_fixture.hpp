#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "relay/apply/engine.hpp"
#include "relay/recon/recon.hpp"
#include "relay/storage/local_blob_store.hpp"
#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/records.hpp"
#include "tests/relay/support/source_model.hpp"

namespace cs::relay::recon::testing {

// P21 rows as an agent syncs them (entities and fields as in config/p21-items.jsonc),
// kept in SourceModels and applied through the relay's apply engine.
class P21Source {
public:
    P21Source();

    void supplier(std::int64_t id, const std::string& name, bool active = true);
    // An inv_mast row; returns its business key (the parent of its units and costs).
    Hash128 item(std::int64_t uid, const std::string& item_id, const std::string& desc,
                 const std::string& purchasing_unit = "EA", bool active = true);
    void uom(std::int64_t uid, std::int64_t item_uid, const std::string& unit,
             const std::string& size);
    // An inventory_supplier row; `cost` empty: no cost.
    void supplier_item(std::int64_t uid, std::int64_t item_uid, std::int64_t supplier_id,
                       const std::string& part_no, const std::string& cost, bool active = true);
    void remove_supplier_item(std::int64_t uid);
    void remove_uom(std::int64_t uid);

    // Frames for everything changed since the last call, parents first.
    std::vector<std::string> take_frames(const std::string& stream_id, std::uint64_t& next);

private:
    relay::testing::SourceModel suppliers_;
    relay::testing::SourceModel items_;
    relay::testing::SourceModel uoms_;
    relay::testing::SourceModel supplier_items_;
    std::map<std::int64_t, Hash128> item_keys_;
    std::map<std::int64_t, Hash128> supplier_item_keys_;
    std::map<std::int64_t, Hash128> uom_keys_;
};

// Contract lines as an agent's drop folder syncs them (config/vendor-contract-lines.jsonc).
struct SyncedLine {
    std::string contract_no;
    std::string item_id;  // the vendor's item number
    std::string vendor_id;
    std::string uom;
    std::string price;
    std::string unit_size;  // "" = none
    std::string currency;   // "" = none
    std::string effective_start;
    std::string effective_end;
    std::string description;
};
class ContractSource {
public:
    ContractSource();
    void line(const SyncedLine& line);
    std::vector<std::string> take_frames(const std::string& stream_id, std::uint64_t& next);

private:
    relay::testing::SourceModel lines_;
};

// (rule, vendor item, vendor UOM) of each exception: what scenario tests compare.
using Finding = std::tuple<std::string, std::string, std::string>;

// A migrated database with one tenant and two sites: "p21" (the P21 agent) and
// "drop" (a drop-folder agent with contract files), a blob store, and helpers.
class ReconFixture : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;
    // A test's P21 and contract data, added once the database is ready (not
    // called when the test is skipped for want of PostgreSQL).
    virtual void seed() {}

    // Applies the sources' pending changes as the agents would ship them.
    void sync_p21();
    void sync_contracts();

    // Uploads a CSV as the portal would; fails the test on an error.
    IngestReport upload(const std::string& name, const std::string& csv, ReadOptions options = {});

    RunSummary run_on(const std::string& as_of);
    // Exceptions with the given status (all when empty).
    std::vector<ExceptionView> exceptions(const std::string& status = "");
    std::set<Finding> findings(const std::string& status = "open");
    ExceptionView find(const std::string& rule, const std::string& vendor_item,
                       const std::string& uom = "");
    void set_policy(const std::string& abs, const std::string& pct,
                    const std::string& mode = "any");

    std::string scalar(const std::string& sql) { return relay::testing::scalar(*conn_, sql); }

    std::unique_ptr<relay::testing::PgTestDatabase> db_;
    std::unique_ptr<db::Connection> conn_;
    std::string tenant_;
    apply::SiteRef p21_site_;
    apply::SiteRef drop_site_;
    relay::testing::TempDir blob_dir_;
    std::unique_ptr<storage::LocalBlobStore> store_;
    P21Source p21_;
    ContractSource contracts_;
    std::uint64_t p21_seq_ = 1;
    std::uint64_t drop_seq_ = 1;
    std::string p21_stream_ = "0190f5e2-7a41-7c3e-8b5d-000000000001";
    std::string drop_stream_ = "0190f5e2-7a41-7c3e-8b5d-000000000002";
};

Date date(const std::string& iso);

}  // namespace cs::relay::recon::testing
