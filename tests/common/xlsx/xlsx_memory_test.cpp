// A large worksheet streams in bounded memory: the sheet XML is never held
// whole, batches stay small, and peak RSS grows by far less than the sheet.
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/xlsx/xlsx_reader.hpp"
#include "tests/common/peak_rss.hpp"
#include "tests/common/xlsx/package_builder.hpp"

namespace cs {
namespace {

namespace fs = std::filesystem;

using testing::peak_rss;

TEST(XlsxMemoryTest, LargeSheetStreamsInBoundedMemory) {
    const fs::path path =
        fs::temp_directory_path() / fmt::format("cs_xlsx_large_{}.xlsx", ::getpid());
    constexpr int kRows = 300000;
    std::uint64_t sheet_bytes = 0;
    {
        test::ZipWriter zip(path);
        ASSERT_TRUE(zip.ok());
        const test::Package parts;
        zip.add(
            "_rels/.rels",
            R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
            R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)");
        zip.add(
            "xl/workbook.xml",
            R"(<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
            R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
            R"(<sheets><sheet name="Big" sheetId="1" r:id="rId1"/></sheets></workbook>)");
        zip.add(
            "xl/_rels/workbook.xml.rels",
            R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
            R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
            R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>)");
        zip.add("xl/sharedStrings.xml",
                test::shared_strings("<si><t>EA</t></si><si><t>CS</t></si>"));
        int row = 0;
        zip.add_streamed("xl/worksheets/sheet1.xml", [&](std::string& chunk) {
            if (row > kRows) {
                return false;
            }
            if (row == 0) {
                chunk = test::worksheet("").substr(0, test::worksheet("").find("</sheetData>"));
                chunk += R"(<row r="1"><c r="A1" t="inlineStr"><is><t>sku</t></is></c>)"
                         R"(<c r="B1" t="inlineStr"><is><t>description</t></is></c>)"
                         R"(<c r="C1" t="inlineStr"><is><t>uom</t></is></c>)"
                         R"(<c r="D1" t="inlineStr"><is><t>price</t></is></c></row>)";
                row = 1;
            }
            for (int n = 0; n < 1000 && row < kRows; ++n) {
                ++row;
                fmt::format_to(
                    std::back_inserter(chunk),
                    R"(<row r="{0}"><c r="A{0}" t="inlineStr"><is><t>SKU-{0:08}</t></is></c>)"
                    R"(<c r="B{0}" t="inlineStr"><is><t>Hex bolt {1}/8 zinc plated, box of {2}</t></is></c>)"
                    R"(<c r="C{0}" t="s"><v>{3}</v></c><c r="D{0}"><v>{4}.{5:02}</v></c></row>)",
                    row, row % 7, row % 100, row % 2, row % 1000, row % 100);
            }
            if (row >= kRows) {
                chunk += "</sheetData></worksheet>";
                row = kRows + 1;
            }
            sheet_bytes += chunk.size();
            return true;
        });
    }
    ASSERT_GT(sheet_bytes, std::uint64_t{50} << 20);

    const std::size_t before = peak_rss();
    auto reader = XlsxReader::open(path, XlsxOptions{});
    ASSERT_TRUE(reader) << reader.error().message;
    RawBatch batch;
    std::size_t rows = 0;
    std::size_t largest_arena = 0;
    for (;;) {
        auto more = (*reader)->read(batch, 10000);
        ASSERT_TRUE(more) << more.error().message;
        ASSERT_TRUE(batch.rejected().empty()) << batch.rejected().front().error;
        largest_arena = std::max(largest_arena, batch.arena_bytes());
        if (batch.size() > 0) {
            EXPECT_EQ(batch.row(0)[0].text, fmt::format("SKU-{:08}", rows + 2));
            EXPECT_EQ(batch.row(0)[3].kind, CellKind::number);
        }
        rows += batch.size();
        if (!*more) {
            break;
        }
    }
    fs::remove(path);
    EXPECT_EQ(rows, static_cast<std::size_t>(kRows - 1));
    EXPECT_LT(largest_arena, std::size_t{4} << 20);
    if (before > 0) {
        EXPECT_LT(peak_rss() - before, std::size_t{24} << 20)
            << "peak RSS grew with the sheet (" << sheet_bytes << " bytes of XML)";
    }
}

}  // namespace
}  // namespace cs
