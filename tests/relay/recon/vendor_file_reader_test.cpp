#include "relay/recon/vendor_file_reader.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/common/xlsx/package_builder.hpp"

namespace cs::relay::recon {
namespace {

ReadResult must_read(std::string_view bytes, ReadOptions options = {}) {
    auto r = read_vendor_file("acme.csv", bytes, options);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? std::move(*r) : ReadResult{};
}

std::vector<std::string> described(const ReadResult& r) {
    std::vector<std::string> out;
    for (const auto& e : r.errors) {
        out.push_back(e.describe("acme.csv"));
    }
    return out;
}

TEST(VendorFileReader, ReadsTheSampleContractLayout) {
    auto r = must_read(
        "Contract #,Item ID,Description,Vendor,UOM,Price,Qty,Start,End,Updated\n"
        "ac-2026-01,3M-2090-1,\"3M 2090 Painter's Tape, 1 in x 60 yd\",acme,EACH,$4.85,24,"
        "01/01/2026,12/31/2026,2026-01-05 08:30\n"
        "ac-2026-01,BRN-16D-50,\"Nails, 50 lb box\",acme,BOX,\"$1,042.00\",1,01/01/2026,"
        "12/31/2026,2026-01-05 08:30\n");
    EXPECT_EQ(r.format, "csv");
    ASSERT_EQ(r.lines.size(), 2u);
    EXPECT_TRUE(r.errors.empty());
    const ContractLine& a = r.lines[0];
    EXPECT_EQ(a.line, 2u);
    EXPECT_EQ(a.contract_no, "AC-2026-01");
    EXPECT_EQ(a.vendor_id, "ACME");
    EXPECT_EQ(a.vendor_item, "3M-2090-1");
    EXPECT_EQ(a.vendor_uom, "EA");  // EACH, as the contract preset maps it
    EXPECT_EQ(a.price.to_string(), "4.85");
    EXPECT_FALSE(a.unit_size.has_value());  // "Qty" is not a pack size
    ASSERT_TRUE(a.effective_start && a.effective_end);
    EXPECT_EQ(a.effective_start->to_iso(), "2026-01-01");
    EXPECT_EQ(a.effective_end->to_iso(), "2026-12-31");
    EXPECT_EQ(r.lines[1].vendor_uom, "BX");
    EXPECT_EQ(r.lines[1].price.to_string(), "1042.00");  // exact, scale kept
    EXPECT_EQ(r.lines_total, 2u);
}

TEST(VendorFileReader, EveryBadLineIsNamedAndTheRestAccepted) {
    auto r = must_read(
        "Vendor;Contract;Part Number;UOM;Pack Size;Unit Price;Currency;Valid From;Valid To\n"
        "ACME;C1;A-1;CS;12;10.00;USD;2026-01-01;2026-12-31\n"
        "ACME;C1;A-2;EA;;12,5x;;;\n"
        "ACME;C1;;EA;;1.00;;;\n"
        "ACME;C1;A-3;EA;;-1.00;;;\n"
        "ACME;C1;A-4;EA;;1.00;US;;\n"
        "ACME;C1;A-5;EA;;1.00;;2026-13-01;\n"
        "ACME;C1;A-6;EA;;1.00;;2026-05-01;2026-04-30\n"
        "ACME;C1;A-7;EA;0;1.00;;;\n"
        "ACME;C1;a-1;cs;;9.00;;;\n"
        "ACME;C1;A-8;EA;;(2.50);;;\n"
        "ACME;C1;A-9;EA;;7%;;;\n"
        "\n"
        "ACME;C1;A-10;each;;1 234.5;eur;03/04/2026;\n");
    EXPECT_EQ(described(r),
              (std::vector<std::string>{
                  "acme.csv:3: price: '12,5x' is not a number: unexpected 'x'",
                  "acme.csv:4: vendor_item: is empty",
                  "acme.csv:5: price: '-1.00' is negative",
                  "acme.csv:6: currency: 'US' is not a three-letter currency code (ISO 4217)",
                  "acme.csv:7: effective_start: '2026-13-01' is not a date (MM/DD/YYYY or "
                  "YYYY-MM-DD)",
                  "acme.csv:8: effective_end: 2026-04-30 is before the start 2026-05-01",
                  "acme.csv:9: unit_size: '0' is not a positive unit size",
                  "acme.csv:11: price: '-2.50' is negative",
                  "acme.csv:12: price: '7%' is a percentage, not an amount",
              }));
    // Line 10 repeats line 2 (item and UOM compare as written once trimmed: a-1
    // is another vendor item than A-1, so it is accepted).
    ASSERT_EQ(r.lines.size(), 3u);
    EXPECT_EQ(r.lines[0].vendor_item, "A-1");
    ASSERT_TRUE(r.lines[0].unit_size.has_value());
    EXPECT_EQ(r.lines[0].unit_size->to_string(), "12");
    EXPECT_EQ(r.lines[1].vendor_item, "a-1");
    EXPECT_EQ(r.lines[1].vendor_uom, "CS");
    EXPECT_EQ(r.lines[2].line, 14u);  // after a blank line
    EXPECT_EQ(r.lines[2].price.to_string(), "1234.5");
    EXPECT_EQ(r.lines[2].currency, "EUR");
    EXPECT_EQ(r.lines[2].effective_start->to_iso(), "2026-03-04");
    EXPECT_EQ(r.lines_total, 12u);
    EXPECT_EQ(r.lines_rejected, 9u);
    EXPECT_EQ(r.errors[0].raw, "ACME;C1;A-2;EA;;12,5x;;;");
}

TEST(VendorFileReader, RepeatedLinesAndBrokenRecordsAreErrors) {
    auto r = must_read(
        "vendor,contract,item,uom,price\n"
        "acme,c1,X-1,EA,1.00\n"
        "ACME,C1,X-1,ea,2.00\n"
        "acme,c1,X-2,EA\n"
        "acme,c1,\"X-3,EA,1.00\n");
    ASSERT_EQ(r.lines.size(), 1u);
    ASSERT_EQ(r.errors.size(), 3u);
    EXPECT_EQ(r.errors[0].describe("f.csv"),
              "f.csv:3: repeats line 2 (same vendor, contract, item and UOM)");
    EXPECT_EQ(r.errors[1].line, 4u);  // too few fields: the CSV reader's own reason
    EXPECT_EQ(r.errors[1].field, "");
    EXPECT_EQ(r.errors[2].line, 5u);
}

TEST(VendorFileReader, UploadOptionsFillVendorAndContract) {
    ReadOptions options;
    options.vendor_id = "bolt";
    options.contract_no = "B-77";
    options.day_first = true;
    auto r = must_read("Item\tUnit Price\tStart\nM8\t0.10\t03/04/2026\n", options);
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(r.lines[0].vendor_id, "BOLT");
    EXPECT_EQ(r.lines[0].contract_no, "B-77");
    EXPECT_EQ(r.lines[0].effective_start->to_iso(), "2026-04-03");  // day first
}

TEST(VendorFileReader, UnreadableFilesAreErrorsThatSayWhy) {
    auto no_price = read_vendor_file("x.csv", "Vendor,Contract,Item\nA,B,C\n", {});
    ASSERT_FALSE(no_price);
    EXPECT_EQ(no_price.error().message,
              "x.csv: no price column (expected a header such as 'Price', 'Unit Price' or "
              "'Contract Price'; found: Vendor, Contract, Item)");
    auto twice = read_vendor_file("x.csv", "Item,Price,Unit Price,Vendor,Contract\n", {});
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().message, "x.csv: columns 'Price' and 'Unit Price' both give the price");

    ReadOptions small;
    small.limits.max_file_bytes = 10;
    auto big = read_vendor_file("x.csv", "Item,Price\nA,1\n", small);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, ErrorCode::limit_exceeded);

    ReadOptions few;
    few.vendor_id = "A";
    few.contract_no = "C";
    few.limits.max_lines = 2;
    auto many = read_vendor_file("x.csv", "Item,Price\nA,1\nB,1\nC,1\n", few);
    ASSERT_FALSE(many);
    EXPECT_EQ(many.error().message, "x.csv: more than 2 lines; split the file");
}

TEST(VendorFileReader, EmptyAndBinaryFilesAreNamedForWhatTheyAre) {
    for (std::string_view empty : {std::string_view(""), std::string_view(" \r\n\n")}) {
        auto r = read_vendor_file("prices.csv", empty, {});
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().message,
                  "prices.csv is empty: a contract file has a header line (such as Vendor, Item "
                  "ID, UOM, Price) and a line per contract item");
    }
    // The first bytes of a PDF and of a PNG, as people upload them by mistake.
    const std::string pdf = std::string("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<", 26) +
                            std::string("\0\x01\x02stream", 9);
    const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    for (const auto& [name, bytes] : {std::pair{"scan.pdf", pdf}, std::pair{"logo.png", png}}) {
        auto r = read_vendor_file(name, bytes, {});
        ASSERT_FALSE(r) << name;
        EXPECT_EQ(r.error().message,
                  std::string(name) +
                      " is not a CSV or XLSX file (it holds binary data): save the sheet as "
                      ".xlsx or .csv and upload that");
    }
}

TEST(VendorFileReader, LongFieldsAndErrorsBeyondTheKeptOnesAreCounted) {
    ReadOptions options;
    options.vendor_id = "A";
    options.contract_no = "C";
    options.limits.max_field_bytes = 8;
    options.limits.max_errors_kept = 2;
    auto r = must_read("Item,Price\nLONG-ITEM-NUMBER,1\nB,x\nC,y\nD,1\n", options);
    EXPECT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(r.lines_rejected, 3u);
    ASSERT_EQ(r.errors.size(), 2u);
    EXPECT_EQ(r.errors[0].describe("f"), "f:2: vendor_item: longer than 8 bytes");
}

TEST(VendorFileReader, ReadsXlsxWithDateAndNumberCells) {
    auto cell = [](std::string_view ref, std::string_view text) {
        return fmt::format(R"(<c r="{}" t="inlineStr"><is><t>{}</t></is></c>)", ref, text);
    };
    std::string rows = "<row r=\"1\">" + cell("A1", "Vendor") + cell("B1", "Contract") +
                       cell("C1", "Item") + cell("D1", "UOM") + cell("E1", "Price") +
                       cell("F1", "Effective Date") + cell("G1", "Expires") + "</row>";
    rows += "<row r=\"2\">" + cell("A2", "acme") + cell("B2", "k1") + cell("C2", "P-1") +
            cell("D2", "CS") + R"(<c r="E2"><v>12.5</v></c>)" +
            R"(<c r="F2" s="1"><v>46023</v></c><c r="G2"><v>46387</v></c></row>)";
    rows += "<row r=\"3\">" + cell("A3", "acme") + cell("B3", "k1") + cell("C3", "P-2") +
            cell("D3", "CS") + R"(<c r="E3" t="b"><v>1</v></c></row>)";
    std::string bytes = test::build_xlsx(test::Package{
        .sheets = {{"Contract", test::worksheet(rows)}}, .styles = test::styles("", {0, 14})});
    auto r = read_vendor_file("acme.xlsx", bytes, {});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->format, "xlsx");
    ASSERT_EQ(r->lines.size(), 1u);
    EXPECT_EQ(r->lines[0].price.to_string(), "12.5");
    EXPECT_EQ(r->lines[0].effective_start->to_iso(), "2026-01-01");  // a date-formatted cell
    EXPECT_EQ(r->lines[0].effective_end->to_iso(), "2026-12-31");    // a bare Excel serial
    ASSERT_EQ(r->errors.size(), 1u);
    EXPECT_EQ(r->errors[0].describe("acme.xlsx"),
              "acme.xlsx:3: price: 'true' is a boolean cell, not a number");
}

}  // namespace
}  // namespace cs::relay::recon
