#include "tests/relay/recon/recon_fixture.hpp"

#include <stdexcept>

#include "relay/sites/sites.hpp"

namespace cs::relay::recon::testing {
namespace {

using relay::testing::SourceModel;

Value dec(const std::string& text) {
    return Value(Decimal::parse(text).value());
}

Value opt_text(const std::string& text) {
    return text.empty() ? Value::null() : Value(text);
}

Value opt_dec(const std::string& text) {
    return text.empty() ? Value::null() : dec(text);
}

Value opt_date(const std::string& text) {
    return text.empty() ? Value::null() : Value(date(text));
}

Value timestamp() {
    return Value(Timestamp{1'767'225'600'000'000});  // 2026-01-01T00:00:00Z
}

void append(std::vector<std::string>& out, std::vector<std::string> more) {
    for (auto& f : more) {
        out.push_back(std::move(f));
    }
}

}  // namespace

Date date(const std::string& iso) {
    return Date::parse_iso(iso).value();
}

P21Source::P21Source()
    : suppliers_("supplier", {{"supplier_id", FieldType::integer},
                              {"supplier_name", FieldType::string},
                              {"active", FieldType::boolean},
                              {"date_last_modified", FieldType::timestamp}}),
      items_("inv_mast", {{"inv_mast_uid", FieldType::integer},
                          {"item_id", FieldType::string},
                          {"item_desc", FieldType::string},
                          {"default_purchasing_unit", FieldType::string},
                          {"active", FieldType::boolean},
                          {"date_last_modified", FieldType::timestamp}}),
      uoms_("item_uom",
            {{"item_uom_uid", FieldType::integer},
             {"inv_mast_uid", FieldType::integer},
             {"unit_of_measure", FieldType::string},
             {"unit_size", FieldType::decimal},
             {"active", FieldType::boolean},
             {"date_last_modified", FieldType::timestamp}},
            "inv_mast"),
      supplier_items_("inventory_supplier",
                      {{"inventory_supplier_uid", FieldType::integer},
                       {"inv_mast_uid", FieldType::integer},
                       {"supplier_id", FieldType::integer},
                       {"supplier_part_no", FieldType::string},
                       {"cost", FieldType::decimal},
                       {"active", FieldType::boolean},
                       {"date_last_modified", FieldType::timestamp}},
                      "inv_mast") {}

void P21Source::supplier(std::int64_t id, const std::string& name, bool active) {
    suppliers_.put({Value(id), Value(name), Value(active), timestamp()});
}

Hash128 P21Source::item(std::int64_t uid, const std::string& item_id, const std::string& desc,
                        const std::string& purchasing_unit, bool active) {
    Hash128 key = items_.put({Value(uid), Value(item_id), Value(desc), opt_text(purchasing_unit),
                              Value(active), timestamp()});
    item_keys_[uid] = key;
    return key;
}

void P21Source::uom(std::int64_t uid, std::int64_t item_uid, const std::string& unit,
                    const std::string& size) {
    uom_keys_[uid] =
        uoms_.put({Value(uid), Value(item_uid), Value(unit), dec(size), Value(true), timestamp()},
                  item_keys_.at(item_uid));
}

void P21Source::supplier_item(std::int64_t uid, std::int64_t item_uid, std::int64_t supplier_id,
                              const std::string& part_no, const std::string& cost, bool active) {
    supplier_item_keys_[uid] =
        supplier_items_.put({Value(uid), Value(item_uid), Value(supplier_id), Value(part_no),
                             opt_dec(cost), Value(active), timestamp()},
                            item_keys_.at(item_uid));
}

void P21Source::remove_supplier_item(std::int64_t uid) {
    supplier_items_.remove(supplier_item_keys_.at(uid));
}

void P21Source::remove_uom(std::int64_t uid) {
    uoms_.remove(uom_keys_.at(uid));
}

std::vector<std::string> P21Source::take_frames(const std::string& stream_id, std::uint64_t& next) {
    std::vector<std::string> out;
    append(out, suppliers_.take_frames(stream_id, next, 1000));
    append(out, items_.take_frames(stream_id, next, 1000));
    append(out, uoms_.take_frames(stream_id, next, 1000));
    append(out, supplier_items_.take_frames(stream_id, next, 1000));
    return out;
}

ContractSource::ContractSource()
    : lines_("contract_lines", {{"contract_no", FieldType::string},
                                {"item_id", FieldType::string},
                                {"vendor_id", FieldType::string},
                                {"description", FieldType::string},
                                {"uom", FieldType::string},
                                {"unit_size", FieldType::decimal},
                                {"price", FieldType::decimal},
                                {"currency", FieldType::string},
                                {"effective_start", FieldType::date},
                                {"effective_end", FieldType::date}}) {}

void ContractSource::line(const SyncedLine& l) {
    lines_.put({Value(l.contract_no), Value(l.item_id), Value(l.vendor_id), opt_text(l.description),
                Value(l.uom), opt_dec(l.unit_size), dec(l.price), opt_text(l.currency),
                opt_date(l.effective_start), opt_date(l.effective_end)},
               std::nullopt, 2);
}

std::vector<std::string> ContractSource::take_frames(const std::string& stream_id,
                                                     std::uint64_t& next) {
    return lines_.take_frames(stream_id, next, 1000);
}

void ReconFixture::SetUp() {
    CS_REQUIRE_PG();
    db_ = std::make_unique<relay::testing::PgTestDatabase>();
    p21_site_ = db_->site_ref(db_->create_site("p21"));
    drop_site_ = db_->site_ref(db_->create_site("drop"));
    tenant_ = p21_site_.tenant_id;
    conn_ = db_->connect();
    auto store = storage::LocalBlobStore::open(blob_dir_.path() / "blobs", {.sync = false});
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    seed();
}

void ReconFixture::TearDown() {
    conn_.reset();
    db_.reset();
}

namespace {

void apply_all(db::Connection& conn, const apply::SiteRef& site,
               const std::vector<std::string>& frames) {
    apply::Applier applier(conn);
    for (const auto& frame : frames) {
        auto prepared = apply::prepare(frame, {}, site);
        ASSERT_TRUE(prepared) << prepared.error().message;
        auto outcome = applier.apply(site, *prepared);
        ASSERT_TRUE(outcome) << outcome.error().message;
        ASSERT_EQ(outcome->verdict, apply::Verdict::applied) << outcome->error;
        ASSERT_EQ(outcome->parked, 0u) << "a child arrived before its item";
    }
}

}  // namespace

void ReconFixture::sync_p21() {
    apply_all(*conn_, p21_site_, p21_.take_frames(p21_stream_, p21_seq_));
}

void ReconFixture::sync_contracts() {
    apply_all(*conn_, drop_site_, contracts_.take_frames(drop_stream_, drop_seq_));
}

IngestReport ReconFixture::upload(const std::string& name, const std::string& csv,
                                  ReadOptions options) {
    VendorUpload upload{name, csv, std::move(options), Actor{}};
    auto report = ingest_vendor_file(*conn_, *store_, tenant_, upload);
    if (!report) {
        ADD_FAILURE() << report.error().message;
        return {};
    }
    return *report;
}

RunSummary ReconFixture::run_on(const std::string& as_of) {
    RunOptions options;
    options.as_of = date(as_of);
    auto summary = run(*conn_, tenant_, options);
    if (!summary) {
        ADD_FAILURE() << summary.error().message;
        return {};
    }
    EXPECT_EQ(summary->status, "succeeded");
    return *summary;
}

std::vector<ExceptionView> ReconFixture::exceptions(const std::string& status) {
    ExceptionFilter filter;
    if (!status.empty()) {
        filter.status = parse_exception_status(status).value();
    }
    filter.limit = kMaxPageSize;
    std::vector<ExceptionView> out;
    while (true) {
        auto page = list_exceptions(*conn_, tenant_, filter);
        if (!page) {
            ADD_FAILURE() << page.error().message;
            return out;
        }
        for (auto& v : page->items) {
            out.push_back(std::move(v));
        }
        if (page->next_cursor.empty()) {
            return out;
        }
        filter.cursor = page->next_cursor;
    }
}

std::set<Finding> ReconFixture::findings(const std::string& status) {
    std::set<Finding> out;
    for (const auto& e : exceptions(status)) {
        out.insert({e.rule, e.vendor_item, e.vendor_uom});
    }
    return out;
}

ExceptionView ReconFixture::find(const std::string& rule, const std::string& vendor_item,
                                 const std::string& uom) {
    for (auto& e : exceptions()) {
        if (e.rule == rule && e.vendor_item == vendor_item &&
            (uom.empty() || e.vendor_uom == uom)) {
            return e;
        }
    }
    ADD_FAILURE() << "no " << rule << " exception for " << vendor_item << " " << uom;
    return {};
}

void ReconFixture::set_policy(const std::string& abs, const std::string& pct,
                              const std::string& mode) {
    Policy p;
    if (!abs.empty()) {
        p.abs_tolerance = Decimal::parse(abs).value();
    }
    if (!pct.empty()) {
        p.pct_tolerance = Decimal::parse(pct).value();
    }
    p.tolerance_mode = mode;
    auto r = update_policy(*conn_, tenant_, p, Actor{});
    ASSERT_TRUE(r) << r.error().message;
}

}  // namespace cs::relay::recon::testing
