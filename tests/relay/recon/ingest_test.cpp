// Vendor file uploads: kept in the blob store, lines stored, errors recorded.
#include <gtest/gtest.h>

#include "relay/recon/recon.hpp"
#include "tests/relay/recon/recon_fixture.hpp"

namespace cs::relay::recon::testing {
namespace {

class IngestTest : public ReconFixture {};

TEST_F(IngestTest, AcceptedLinesAreStoredAndBadOnesExplained) {
    const std::string csv =
        "Vendor,Contract #,Item ID,UOM,Price,Start,End\n"
        "acme,C-1,A-1,EA,1.00,01/01/2026,12/31/2026\n"
        "acme,C-1,A-2,EA,abc,01/01/2026,12/31/2026\n"
        "acme,C-1,A-3,CS,$1,200.50,01/01/2026,\n"
        "acme,C-1,A-4,CS,\"$1,200.50\",02/30/2026,\n"
        "acme,C-1,A-5,CS,\"$1,200.50\",,\n";
    auto report = upload("Acme Contract (2026).csv", csv);
    const VendorFile& f = report.file;
    EXPECT_EQ(f.status, "partial");
    EXPECT_EQ(f.format, "csv");
    EXPECT_EQ(f.lines_total, 5u);
    EXPECT_EQ(f.lines_accepted, 2u);
    EXPECT_EQ(f.lines_rejected, 3u);
    EXPECT_EQ(f.size_bytes, csv.size());
    EXPECT_EQ(f.sha256.size(), 64u);
    EXPECT_EQ(f.blob_key, "tenants/" + tenant_ + "/vendor-files/" + f.file_id);
    EXPECT_EQ(store_->get(f.blob_key, 1 << 20).value(), csv) << "the original is kept as sent";
    std::vector<std::string> errors;
    for (const auto& e : report.errors) {
        errors.push_back(e.describe(f.name));
    }
    EXPECT_EQ(errors,
              (std::vector<std::string>{
                  "Acme Contract (2026).csv:3: price: 'abc' is not a number: unexpected 'a'",
                  "Acme Contract (2026).csv:4: expected 7 fields, found 8",
                  "Acme Contract (2026).csv:5: effective_start: '02/30/2026' is not a date "
                  "(MM/DD/YYYY or YYYY-MM-DD)"}));
    EXPECT_EQ(report.audit.action, "recon.vendor_file.upload");
    EXPECT_EQ(report.audit.after["lines_accepted"], 2);

    // What was stored matches what was reported.
    auto stored = vendor_file_errors(*conn_, tenant_, f.file_id).value();
    ASSERT_EQ(stored.size(), 3u);
    EXPECT_EQ(stored[1].line, 4u);
    EXPECT_EQ(stored[1].raw, "acme,C-1,A-3,CS,$1,200.50,01/01/2026,");
    EXPECT_EQ(scalar("SELECT string_agg(vendor_item || '=' || price, ' ' ORDER BY line_no) FROM "
                     "recon_contract_lines"),
              "A-1=1.00 A-5=1200.50");
    auto listed = list_vendor_files(*conn_, tenant_, "", 10).value();
    ASSERT_EQ(listed.items.size(), 1u);
    EXPECT_EQ(listed.items[0].file_id, f.file_id);
    EXPECT_EQ(get_vendor_file(*conn_, tenant_, f.file_id)->lines_rejected, 3u);
}

TEST_F(IngestTest, UnreadableFilesAreKeptAndRejectedOversizedOnesRefused) {
    auto bad = upload("notes.csv", "just some words\nwithout the columns\n");
    EXPECT_EQ(bad.file.status, "rejected");
    EXPECT_NE(bad.file.error.find("notes.csv: no vendor_item column"), std::string::npos)
        << bad.file.error;
    EXPECT_TRUE(store_->get(bad.file.blob_key, 1 << 20)) << "kept for whoever has to look";
    auto zip = upload("broken.xlsx", std::string("PK\x03\x04") + " not really a zip");
    EXPECT_EQ(zip.file.status, "rejected");
    EXPECT_EQ(zip.file.format, "xlsx");
    auto empty = upload("empty.csv", "Vendor,Contract,Item,Price\n");
    EXPECT_EQ(empty.file.status, "rejected");
    EXPECT_EQ(empty.file.error, "empty.csv: no contract lines");

    ReadOptions small;
    small.limits.max_file_bytes = 16;
    VendorUpload big{"big.csv", "Vendor,Contract,Item,Price\nA,B,C,1\n", small, Actor{}};
    auto refused = ingest_vendor_file(*conn_, *store_, tenant_, big);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::limit_exceeded);
    EXPECT_EQ(scalar("SELECT count(*) FROM recon_vendor_files"), "3");
    EXPECT_EQ(scalar("SELECT count(*) FROM recon_contract_lines"), "0");
}

TEST_F(IngestTest, ANewFileOfAContractReplacesTheEarlierOne) {
    auto v1 = upload("c1.csv",
                     "Vendor,Contract,Item,Price\nacme,C-1,A-1,1.00\nacme,C-1,A-2,2.00\n"
                     "acme,C-2,B-1,3.00\n");
    auto v2 = upload("c1-v2.csv", "Vendor,Contract,Item,Price\nacme,C-1,A-1,1.10\n");
    EXPECT_EQ(v2.superseded_lines, 2u);
    EXPECT_EQ(get_vendor_file(*conn_, tenant_, v1.file.file_id)->status, "accepted")
        << "C-2 still comes from it";
    auto v3 = upload("c2-v2.csv", "Vendor,Contract,Item,Price\nacme,C-2,B-1,3.30\n");
    EXPECT_EQ(v3.superseded_lines, 1u);
    EXPECT_EQ(get_vendor_file(*conn_, tenant_, v1.file.file_id)->status, "superseded");
    EXPECT_EQ(scalar("SELECT string_agg(vendor_item || '=' || price, ' ' ORDER BY vendor_item) "
                     "FROM recon_contract_lines"),
              "A-1=1.10 B-1=3.30");
}

TEST_F(IngestTest, ADatabaseFailureLeavesNoOrphanBlob) {
    // A tenant id that is not in tenants: the file row violates its foreign key.
    VendorUpload upload{"c.csv", "Vendor,Contract,Item,Price\nacme,C,A,1\n", {}, Actor{}};
    auto failed =
        ingest_vendor_file(*conn_, *store_, "0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6b", upload);
    ASSERT_FALSE(failed);
    std::size_t files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(store_->root())) {
        files += e.is_regular_file() ? 1 : 0;
    }
    EXPECT_EQ(files, 0u);
}

}  // namespace
}  // namespace cs::relay::recon::testing
