// CSV cells as the relay's exports write them: RFC 4180 quoting, and no cell a
// spreadsheet would run as a formula.
#include "common/csv/csv_writer.hpp"

#include <gtest/gtest.h>

namespace cs::csv {
namespace {

TEST(CsvWriterTest, PlainTextIsWrittenAsIs) {
    EXPECT_EQ(cell("ITEM-1"), "ITEM-1");
    EXPECT_EQ(cell(""), "");
    EXPECT_EQ(cell("3/4in PVC tee"), "3/4in PVC tee");
}

TEST(CsvWriterTest, SeparatorsQuotesAndLineBreaksAreQuoted) {
    EXPECT_EQ(cell("a,b"), "\"a,b\"");
    EXPECT_EQ(cell("Part \"rev 2\""), "\"Part \"\"rev 2\"\"\"");
    EXPECT_EQ(cell("line 1\nline 2"), "\"line 1\nline 2\"");
    EXPECT_EQ(cell("cr\r"), "\"cr\r\"");
}

TEST(CsvWriterTest, FormulasGetAnApostropheButNumbersStayNumbers) {
    EXPECT_EQ(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    EXPECT_EQ(cell("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(cell("+cmd"), "'+cmd");
    EXPECT_EQ(cell("-2+3"), "'-2+3");
    EXPECT_EQ(cell("\tx"), "'\tx");
    EXPECT_EQ(cell("-12.50"), "-12.50");
    EXPECT_EQ(cell("+3"), "+3");
    EXPECT_EQ(cell("-1.5E3"), "-1.5E3");
    EXPECT_EQ(cell("-"), "'-");
    EXPECT_EQ(cell("-1e"), "'-1e");
}

TEST(CsvWriterTest, AppendAddsToWhatIsThere) {
    std::string row = "a";
    row += ',';
    append_cell(row, "b,c");
    EXPECT_EQ(row, "a,\"b,c\"");
}

}  // namespace
}  // namespace cs::csv
