#include "common/csv/csv_reader.hpp"

#include <string>

#include <gtest/gtest.h>

#include "common/config/document.hpp"
#include "common/config/reader.hpp"

namespace cs {
namespace {

Expected<CsvOptions> options_from(std::string_view text) {
    auto doc = config::Document::parse(text, "source.json");
    EXPECT_TRUE(doc) << doc.error().message;
    return csv_options_from_config(config::Reader(*doc));
}

TEST(CsvOptionsTest, ReadsEveryKey) {
    auto options = options_from(R"({
      "delimiter": "tab", "quote": "'", "header": false, "skip_lines": 2,
      "encoding": "Windows-1252", "max_field_bytes": 10, "max_record_bytes": 20,
      "max_columns": 3
    })");
    ASSERT_TRUE(options) << options.error().message;
    EXPECT_EQ(options->delimiter, '\t');
    EXPECT_EQ(options->quote, '\'');
    EXPECT_FALSE(options->header);
    EXPECT_EQ(options->skip_lines, 2u);
    EXPECT_EQ(options->encoding, text::Encoding::windows_1252);
    EXPECT_EQ(options->limits.max_field_bytes, 10u);
    EXPECT_EQ(options->limits.max_record_bytes, 20u);
    EXPECT_EQ(options->limits.max_columns, 3u);
}

TEST(CsvOptionsTest, DefaultsAndTabSpellings) {
    auto defaults = options_from("{}");
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->delimiter, ',');
    EXPECT_TRUE(defaults->header);
    EXPECT_EQ(defaults->encoding, text::Encoding::auto_detect);
    EXPECT_EQ(options_from(R"({"delimiter": "\t"})")->delimiter, '\t');
    EXPECT_EQ(options_from(R"({"delimiter": "\\t"})")->delimiter, '\t');
    EXPECT_EQ(options_from(R"({"delimiter": ";"})")->delimiter, ';');
}

TEST(CsvOptionsTest, ErrorsNameTheKey) {
    auto wide = options_from("{\n  \"delimiter\": \"ab\"\n}");
    ASSERT_FALSE(wide);
    EXPECT_EQ(wide.error().message,
              "source.json:2: delimiter: expected one ASCII character or \"tab\"");
    auto encoding = options_from("{\n  \"encoding\": \"ebcdic\"\n}");
    ASSERT_FALSE(encoding);
    EXPECT_NE(encoding.error().message.find("source.json:2: encoding: unknown encoding 'ebcdic'"),
              std::string::npos)
        << encoding.error().message;
    auto typo = options_from("{\n  \"delimeter\": \";\"\n}");
    ASSERT_FALSE(typo);
    EXPECT_NE(typo.error().message.find("delimeter"), std::string::npos);
    auto same = options_from(R"({"delimiter": "'", "quote": "'"})");
    ASSERT_FALSE(same);
    EXPECT_NE(same.error().message.find("delimiter and quote must differ"), std::string::npos);
    auto negative = options_from("{\n  \"skip_lines\": -1\n}");
    ASSERT_FALSE(negative);
    EXPECT_NE(negative.error().message.find("skip_lines"), std::string::npos);
}

TEST(CsvReaderTest, MissingFileIsNotFoundAndNamesThePath) {
    auto reader = CsvReader::open("/nonexistent/vendor.csv", CsvOptions{});
    ASSERT_FALSE(reader);
    EXPECT_EQ(reader.error().code, ErrorCode::not_found);
    EXPECT_NE(reader.error().message.find("/nonexistent/vendor.csv"), std::string::npos);
}

TEST(CsvReaderTest, ColumnsAreKnownRightAfterOpen) {
    auto reader = CsvReader::from_buffer("a,b\n1,2\n", "x.csv", CsvOptions{});
    ASSERT_TRUE(reader);
    EXPECT_EQ((*reader)->columns(), (std::vector<std::string>{"a", "b"}));
}

TEST(CsvReaderTest, ReadAfterTheEndKeepsReturningFalse) {
    auto reader = CsvReader::from_buffer("a\n1\n2\n", "x.csv", CsvOptions{});
    ASSERT_TRUE(reader);
    RawBatch batch;
    auto first = (*reader)->read(batch, 10);
    ASSERT_TRUE(first);
    EXPECT_FALSE(*first);
    EXPECT_EQ(batch.size(), 2u);
    auto again = (*reader)->read(batch, 10);
    ASSERT_TRUE(again);
    EXPECT_FALSE(*again);
    EXPECT_TRUE(batch.empty());
    EXPECT_EQ(batch.columns(), (std::vector<std::string>{"a"}));
}

TEST(CsvReaderTest, BatchesStopAtTheByteBudget) {
    std::string input = "v\n";
    const std::string value(1000, 'x');
    for (int i = 0; i < 100; ++i) {
        input += value + "\n";
    }
    CsvOptions options;
    options.limits.max_batch_bytes = 10000;
    auto reader = CsvReader::from_buffer(input, "x.csv", options);
    ASSERT_TRUE(reader);
    RawBatch batch;
    std::size_t total = 0;
    for (;;) {
        auto more = (*reader)->read(batch, 1000);
        ASSERT_TRUE(more);
        // Each row costs 2000 arena bytes (cell and raw); the batch ends at the first row past the
        // budget.
        EXPECT_LE(batch.arena_bytes(), 12000u);
        total += batch.size();
        if (!*more) {
            break;
        }
    }
    EXPECT_EQ(total, 100u);
}

TEST(CsvReaderTest, InvalidOptionsAreRefusedAtOpen) {
    CsvOptions options;
    options.delimiter = '\n';
    auto reader = CsvReader::from_buffer("a\n", "x.csv", options);
    ASSERT_FALSE(reader);
    EXPECT_EQ(reader.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(reader.error().message.find("x.csv"), std::string::npos);
}

TEST(CsvReaderTest, ManyRejectsDoNotGrowTheBatchWithoutBound) {
    // Every record is wrong; rejects alone must still end the batch at the byte budget.
    std::string input = "a,b\n";
    for (int i = 0; i < 1000; ++i) {
        input += std::string(500, 'z') + "\n";
    }
    CsvOptions options;
    options.limits.max_batch_bytes = 5000;
    auto reader = CsvReader::from_buffer(input, "x.csv", options);
    ASSERT_TRUE(reader);
    RawBatch batch;
    auto more = (*reader)->read(batch, 1000);
    ASSERT_TRUE(more);
    EXPECT_TRUE(*more);
    EXPECT_EQ(batch.size(), 0u);
    EXPECT_EQ(batch.rejected().size(), 10u);
    EXPECT_EQ(batch.rejected().front().error, "expected 2 fields, found 1");
}

// A record of exactly max_record_bytes followed by CRLF fits, whichever byte
// the read chunks end on (found by the CSV fuzzer: with 1-byte chunks the CR
// was counted against the limit while the LF was still unread).
TEST(CsvReaderTest, ARecordAtTheLimitFitsWhateverTheChunkSize) {
    const std::string value(40, 'x');
    const std::string input = "v\r\n" + value + "\r\nshort\r\n";
    for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{64}}) {
        CsvOptions options;
        options.limits.max_record_bytes = value.size();
        options.limits.read_chunk_bytes = chunk;
        auto reader = CsvReader::from_buffer(input, "x.csv", options);
        ASSERT_TRUE(reader) << reader.error().message;
        RawBatch batch;
        auto more = (*reader)->read(batch, 10);
        ASSERT_TRUE(more);
        EXPECT_TRUE(batch.rejected().empty())
            << "chunk " << chunk << ": " << batch.rejected().front().error;
        ASSERT_EQ(batch.size(), 2u) << "chunk " << chunk;
        EXPECT_EQ(batch.row(0)[0].text, value);
        EXPECT_EQ(batch.row(1)[0].text, "short");
    }
}

}  // namespace
}  // namespace cs
