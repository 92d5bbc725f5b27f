#include "common/xlsx/xlsx_reader.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/config/document.hpp"
#include "common/config/reader.hpp"
#include "tests/common/xlsx/package_builder.hpp"

namespace cs {
namespace {

using test::build_xlsx;
using test::Package;
using test::worksheet;

struct Result {
    std::vector<std::string> columns;
    std::vector<std::string> rows;  // "line:kind=text|kind=text"
    std::vector<std::string> rejects;
};

std::string kind_letter(CellKind kind) {
    switch (kind) {
        case CellKind::empty:
            return "_";
        case CellKind::text:
            return "t";
        case CellKind::number:
            return "n";
        case CellKind::boolean:
            return "b";
        case CellKind::date:
            return "d";
        case CellKind::datetime:
            return "dt";
    }
    return "?";
}

Result read_all(XlsxReader& reader, std::size_t max_rows = 1000) {
    Result result;
    RawBatch batch;
    for (;;) {
        auto more = reader.read(batch, max_rows);
        EXPECT_TRUE(more) << more.error().message;
        if (!more) {
            return result;
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            std::string row = std::to_string(batch.location(i).line) + ":";
            for (const RawCell& cell : batch.row(i)) {
                row += kind_letter(cell.kind) + "=" + std::string(cell.text) + "|";
            }
            result.rows.push_back(row);
        }
        for (const RejectedRow& r : batch.rejected()) {
            result.rejects.push_back(std::to_string(r.location.line) + ": " + r.error);
        }
        if (!*more) {
            break;
        }
    }
    result.columns = reader.columns();
    return result;
}

Expected<std::unique_ptr<XlsxReader>> open(const std::string& bytes, XlsxOptions options = {}) {
    return XlsxReader::from_buffer(bytes, "book.xlsx", options);
}

TEST(XlsxReaderTest, CountsRowsAndCellsWithoutReferences) {
    const std::string bytes = build_xlsx(Package{
        .sheets = {
            {"S",
             worksheet(
                 R"(<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>)"
                 R"(<row><c><v>1</v></c><c><v>2</v></c></row>)"
                 R"(<row r="5"><c r="B5"><v>3</v></c></row>)"
                 R"(<row><c><v>4</v></c></row>)")}}});
    auto reader = open(bytes);
    ASSERT_TRUE(reader) << reader.error().message;
    const Result r = read_all(**reader);
    EXPECT_EQ(r.columns, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(r.rows, (std::vector<std::string>{"2:n=1|n=2|", "5:_=|n=3|", "6:n=4|"}));
}

TEST(XlsxReaderTest, PrefixedNamespaceAndPhoneticRuns) {
    // The .NET Open XML SDK writes x: prefixes; Japanese workbooks carry <rPh> readings.
    const std::string sheet =
        R"(<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
        R"(<x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row>)"
        R"(<x:row r="2"><x:c r="A2" t="s"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>)";
    const std::string bytes = build_xlsx(
        Package{.sheets = {{"S", sheet}},
                .shared_strings = test::shared_strings(
                    R"(<si><t>name</t></si><si><r><t>東</t></r><r><rPr><b/></rPr><t>京</t></r>)"
                    R"(<rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>)")});
    auto reader = open(bytes);
    ASSERT_TRUE(reader) << reader.error().message;
    const Result r = read_all(**reader);
    EXPECT_EQ(r.columns, (std::vector<std::string>{"name"}));
    EXPECT_EQ(r.rows, (std::vector<std::string>{"2:t=東京|"}));
}

TEST(XlsxReaderTest, DateStylesBooleansErrorsAndIsoDates) {
    const std::string bytes = build_xlsx(Package{
        .sheets = {{"S",
                    worksheet(
                        R"(<row r="1"><c r="A1" t="inlineStr"><is><t>v</t></is></c></row>)"
                        R"(<row r="2"><c r="A2" s="1"><v>45352</v></c></row>)"
                        R"(<row r="3"><c r="A3" s="2"><v>45352</v></c></row>)"
                        R"(<row r="4"><c r="A4" s="3"><v>45352.25</v></c></row>)"
                        R"(<row r="5"><c r="A5" s="4"><v>1234.5</v></c></row>)"
                        R"(<row r="6"><c r="A6" s="1"><v>60</v></c></row>)"
                        R"(<row r="7"><c r="A7" t="b"><v>1</v></c></row>)"
                        R"(<row r="8"><c r="A8" t="e"><v>#DIV/0!</v></c></row>)"
                        R"(<row r="9"><c r="A9" t="d"><v>2024-03-01T10:30:00.250Z</v></c></row>)"
                        R"(<row r="10"><c r="A10" s="1"><f>TODAY()</f></c></row>)"
                        R"(<row r="11"><c r="A11" s="9"><v>1.5E-3</v></c></row>)")}},
        .styles = test::styles(R"(<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>)"
                               R"(<numFmt numFmtId="165" formatCode="[h]:mm:ss"/>)",
                               {0, 164, 14, 165, 4})});
    auto reader = open(bytes);
    ASSERT_TRUE(reader) << reader.error().message;
    const Result r = read_all(**reader);
    EXPECT_EQ(r.rows, (std::vector<std::string>{"2:d=2024-03-01|", "3:d=2024-03-01|",
                                                "4:dt=2024-03-01T06:00:00|", "5:n=1234.5|",
                                                "6:n=60|", "7:b=true|", "8:t=#DIV/0!|",
                                                "9:dt=2024-03-01T10:30:00.250|", "11:n=1.5E-3|"}));
}

TEST(XlsxReaderTest, BrokenRowsAreRejectedAndReadingGoesOn) {
    const std::string bytes = build_xlsx(Package{
        .sheets =
            {{"S",
              worksheet(
                  R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>)"
                  R"(<row r="2"><c r="A2" t="s"><v>7</v></c></row>)"
                  R"(<row r="3"><c r="A3"><v>12abc</v></c></row>)"
                  R"(<row r="4"><c r="A4" t="b"><v>maybe</v></c></row>)"
                  R"(<row r="5"><c r="B5"><v>1</v></c><c r="B5"><v>2</v></c></row>)"
                  R"(<row r="6"><c r="A6" t="inlineStr"><is><t>0123456789ABCDEF</t></is></c></row>)"
                  R"(<row r="7"><c r="A7" t="s"><v>1</v></c><c r="B7"><v>7</v></c></row>)")}},
        .shared_strings = test::shared_strings("<si><t>a</t></si><si><t>b</t></si>")});
    XlsxOptions options;
    options.limits.max_cell_bytes = 10;
    auto reader = open(bytes, options);
    ASSERT_TRUE(reader) << reader.error().message;
    const Result r = read_all(**reader);
    EXPECT_EQ(r.rows, (std::vector<std::string>{"7:t=b|n=7|"}));
    EXPECT_EQ(r.rejects, (std::vector<std::string>{
                             "2: cell A2: shared string index '7' is out of range (2 strings)",
                             "3: cell A3: '12abc' is not a number",
                             "4: cell A4: 'maybe' is not a boolean", "5: cell B5 appears twice",
                             "6: cell A6 is over the limit of 10 bytes (max_cell_bytes)"}));
}

TEST(XlsxReaderTest, BatchesPauseBetweenRowsAndResume) {
    std::string rows = R"(<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c></row>)";
    for (int i = 2; i <= 1000; ++i) {
        rows += fmt::format(R"(<row r="{0}"><c r="A{0}"><v>{0}</v></c></row>)", i);
    }
    const std::string bytes = build_xlsx(Package{.sheets = {{"S", worksheet(rows)}}});
    auto reader = open(bytes);
    ASSERT_TRUE(reader);
    RawBatch batch;
    int expected = 2;
    std::size_t batches = 0;
    for (;;) {
        auto more = (*reader)->read(batch, 7);
        ASSERT_TRUE(more) << more.error().message;
        ASSERT_LE(batch.size(), 7u);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            ASSERT_EQ(batch.row(i)[0].text, std::to_string(expected));
            ASSERT_EQ(batch.location(i).record, static_cast<std::uint64_t>(expected - 1));
            ++expected;
        }
        ++batches;
        if (!*more) {
            break;
        }
    }
    EXPECT_EQ(expected, 1001);
    EXPECT_GE(batches, 999u / 7);
}

TEST(XlsxReaderTest, HeaderProblemsAreErrors) {
    auto header = [](std::string_view cells) {
        return build_xlsx(
            Package{.sheets = {{"S", worksheet(fmt::format(R"(<row r="3">{}</row>)", cells))}}});
    };
    auto gap = open(header(R"(<c r="A3" t="inlineStr"><is><t>a</t></is></c>)"
                           R"(<c r="C3" t="inlineStr"><is><t>c</t></is></c>)"));
    ASSERT_FALSE(gap);
    EXPECT_EQ(gap.error().message, "book.xlsx: sheet 'S' row 3: header cell B3 is empty");
    auto dup = open(header(R"(<c r="A3" t="inlineStr"><is><t>a</t></is></c>)"
                           R"(<c r="B3" t="inlineStr"><is><t> a </t></is></c>)"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().message, "book.xlsx: sheet 'S' row 3: header cell B3 'a' repeats A3");
    auto empty = open(build_xlsx(Package{.sheets = {{"S", worksheet("")}}}));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().message, "book.xlsx: sheet 'S' has no header row (the sheet is empty)");
}

TEST(XlsxReaderTest, MalformedPackagesNameFileAndPart) {
    auto not_zip = XlsxReader::from_buffer("sku,price\n", "vendor.xlsx", {});
    ASSERT_FALSE(not_zip);
    EXPECT_EQ(not_zip.error().message, "vendor.xlsx: not an .xlsx file: not a zip archive");

    auto ole = XlsxReader::from_buffer(
        std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'), "old.xls", {});
    ASSERT_FALSE(ole);
    EXPECT_NE(ole.error().message.find("legacy .xls workbook"), std::string::npos);

    auto truncated = build_xlsx(Package{.sheets = {{"S", worksheet("")}}});
    truncated.resize(truncated.size() / 2);
    auto damaged = XlsxReader::from_buffer(truncated, "cut.xlsx", {});
    ASSERT_FALSE(damaged);
    EXPECT_NE(damaged.error().message.find("cut.xlsx: "), std::string::npos);

    auto broken = open(build_xlsx(
        Package{.sheets = {{"S", worksheet("<row r=\"1\">\n<c r=\"A1\"><v>1</v></c>\n</rowx>")}}}));
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().message, "book.xlsx: xl/worksheets/sheet1.xml line 4: mismatched tag");

    auto dtd = open(build_xlsx(Package{
        .sheets = {
            {"S", R"(<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]><worksheet/>)"}}}));
    ASSERT_FALSE(dtd);
    EXPECT_NE(dtd.error().message.find("xl/worksheets/sheet1.xml line 1: a DOCTYPE is not allowed"),
              std::string::npos)
        << dtd.error().message;
}

TEST(XlsxReaderTest, SizeGuards) {
    std::string rows;
    for (int i = 1; i <= 200; ++i) {
        rows += fmt::format(R"(<row r="{0}"><c r="A{0}"><v>{0}</v></c></row>)", i);
    }
    const std::string bytes = build_xlsx(Package{
        .sheets = {{"S", worksheet(rows)}},
        .shared_strings = test::shared_strings("<si><t>" + std::string(5000, 'x') + "</t></si>")});
    XlsxOptions bomb;
    bomb.limits.max_entry_uncompressed_bytes = 4096;
    auto big = open(bytes, bomb);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, ErrorCode::limit_exceeded);
    EXPECT_NE(big.error().message.find("max_entry_uncompressed_bytes"), std::string::npos);

    XlsxOptions strings;
    strings.limits.max_shared_strings_bytes = 1000;
    auto sst = open(bytes, strings);
    ASSERT_FALSE(sst);
    EXPECT_EQ(sst.error().code, ErrorCode::limit_exceeded);
    EXPECT_NE(sst.error().message.find(
                  "book.xlsx: xl/sharedStrings.xml line 1: shared strings need more than 1000 "
                  "bytes (max_shared_strings_bytes)"),
              std::string::npos)
        << sst.error().message;
}

TEST(XlsxReaderTest, SheetSelectionAndWorkbookFacts) {
    const std::string bytes = build_xlsx(
        Package{.sheets = {{"First", worksheet(R"(<row r="1"><c r="A1"><v>1</v></c></row>)")},
                           {"Second", worksheet(R"(<row r="1"><c r="A1"><v>2</v></c></row>)")}},
                .workbook_pr = R"(<workbookPr date1904="true"/>)"});
    XlsxOptions options;
    options.sheet = "SECOND";
    options.header = false;
    auto reader = open(bytes, options);
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_EQ((*reader)->sheet_name(), "Second");
    EXPECT_EQ((*reader)->sheet_names(), (std::vector<std::string>{"First", "Second"}));
    EXPECT_TRUE((*reader)->date1904());
    EXPECT_EQ(read_all(**reader).rows, (std::vector<std::string>{"1:n=2|"}));
}

TEST(XlsxOptionsTest, ReadsKeysAndNamesErrors) {
    auto doc = config::Document::parse(
        "{\n  \"sheet\": \"Prices\",\n  \"skip_rows\": 2,\n  \"header\": false,\n"
        "  \"max_columns\": 99999\n}",
        "source.json");
    ASSERT_TRUE(doc);
    auto bad = xlsx_options_from_config(config::Reader(*doc));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.rfind("source.json:5: max_columns:", 0), 0u)
        << bad.error().message;
    auto good_doc = config::Document::parse(R"({"sheet": "Prices", "skip_rows": 2})", "s.json");
    auto good = xlsx_options_from_config(config::Reader(*good_doc));
    ASSERT_TRUE(good) << good.error().message;
    EXPECT_EQ(good->sheet, "Prices");
    EXPECT_EQ(good->skip_rows, 2u);
    EXPECT_TRUE(good->header);
    auto typo_doc = config::Document::parse(R"({"shet": "Prices"})", "s.json");
    EXPECT_FALSE(xlsx_options_from_config(config::Reader(*typo_doc)));
}

}  // namespace
}  // namespace cs
