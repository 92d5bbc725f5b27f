// A large CSV streams in bounded memory: batches stay small and the process's
// peak resident size grows by far less than the file.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/csv/csv_reader.hpp"
#include "tests/common/peak_rss.hpp"

namespace cs {
namespace {

namespace fs = std::filesystem;

using testing::peak_rss;

class CsvMemoryTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / fmt::format("cs_csv_memory_{}", ::getpid());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(CsvMemoryTest, LargeFileStreamsInBoundedMemory) {
    const fs::path path = dir_ / "large.csv";
    constexpr std::size_t kRows = 800000;
    std::size_t file_bytes = 0;
    {
        std::FILE* f = std::fopen(path.string().c_str(), "wb");
        ASSERT_NE(f, nullptr);
        std::string chunk = "sku,description,qty,price,updated\n";
        for (std::size_t i = 0; i < kRows; ++i) {
            fmt::format_to(std::back_inserter(chunk),
                           "SKU-{:08},\"Widget, size {} with a \"\"quoted\"\" note\",{},{}.{:02},"
                           "2024-01-{:02}\n",
                           i, i % 97, i % 1000, i % 5000, i % 100, 1 + i % 28);
            if (chunk.size() > (1u << 20)) {
                file_bytes += std::fwrite(chunk.data(), 1, chunk.size(), f);
                chunk.clear();
            }
        }
        file_bytes += std::fwrite(chunk.data(), 1, chunk.size(), f);
        std::fclose(f);
    }
    ASSERT_GT(file_bytes, std::size_t{50} << 20);

    const std::size_t before = peak_rss();
    auto reader = CsvReader::open(path, CsvOptions{});
    ASSERT_TRUE(reader) << reader.error().message;
    RawBatch batch;
    std::size_t rows = 0;
    std::size_t largest_arena = 0;
    std::string last_sku;
    for (;;) {
        auto more = (*reader)->read(batch, 10000);
        ASSERT_TRUE(more) << more.error().message;
        ASSERT_TRUE(batch.rejected().empty()) << batch.rejected().front().error;
        largest_arena = std::max(largest_arena, batch.arena_bytes());
        rows += batch.size();
        if (batch.size() > 0) {
            last_sku = std::string(batch.row(batch.size() - 1)[0].text);
            EXPECT_EQ(batch.row(0)[1].text.find("Widget, size "), 0u);
        }
        if (!*more) {
            break;
        }
    }
    EXPECT_EQ(rows, kRows);
    EXPECT_EQ(last_sku, fmt::format("SKU-{:08}", kRows - 1));
    EXPECT_LT(largest_arena, std::size_t{4} << 20);
    if (before > 0) {
        EXPECT_LT(peak_rss() - before, std::size_t{24} << 20)
            << "peak RSS grew with the file (" << file_bytes << " bytes)";
    }
}

TEST_F(CsvMemoryTest, OversizedRecordIsSkippedWithoutBufferingIt) {
    // A quoted field of 40 MB, far over max_record_bytes: it must be walked over,
    // not held, and the record after it must still be read with its right line.
    const fs::path path = dir_ / "huge_field.csv";
    {
        std::FILE* f = std::fopen(path.string().c_str(), "wb");
        ASSERT_NE(f, nullptr);
        std::fputs("id,note\n1,\"", f);
        const std::string block = std::string(1023, 'n') + "\n";
        for (int i = 0; i < 40 * 1024; ++i) {
            std::fwrite(block.data(), 1, block.size(), f);
        }
        std::fputs("\"\n2,after\n", f);
        std::fclose(f);
    }
    CsvOptions options;
    options.limits.max_record_bytes = 1 << 20;
    const std::size_t before = peak_rss();
    auto reader = CsvReader::open(path, options);
    ASSERT_TRUE(reader);
    RawBatch batch;
    auto more = (*reader)->read(batch, 100);
    ASSERT_TRUE(more);
    ASSERT_EQ(batch.rejected().size(), 1u);
    EXPECT_EQ(batch.rejected()[0].location.line, 2u);
    EXPECT_EQ(batch.rejected()[0].error,
              "record is over the limit of 1048576 bytes (max_record_bytes)");
    EXPECT_LE(batch.rejected()[0].raw.size(), 64u * 1024);
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_EQ(batch.row(0)[1].text, "after");
    EXPECT_EQ(batch.location(0).line, 2u + 40 * 1024 + 1);
    if (before > 0) {
        EXPECT_LT(peak_rss() - before, std::size_t{12} << 20);
    }
}

}  // namespace
}  // namespace cs
