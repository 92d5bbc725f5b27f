// CSV reader throughput on a P21-style export: 1M rows, ~100 MB, ten columns
// with some quoted fields. Reports bytes_per_second for the file path (what the
// agent uses) and the in-memory path (portal uploads).
//
//   csv_bench [--rows=N] [benchmark flags]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "common/csv/csv_reader.hpp"

namespace {

namespace fs = std::filesystem;

std::size_t g_rows = 1000000;

const std::string& sample() {
    static const std::string text = [] {
        std::string out =
            "item_id,supplier_id,supplier_part_no,item_desc,uom,list_price,cost,qty_on_hand,"
            "class_id,date_last_modified\n";
        out.reserve(g_rows * 110);
        for (std::size_t i = 0; i < g_rows; ++i) {
            fmt::format_to(std::back_inserter(out),
                           "ITEM-{:07},{},SP{:06},\"Hex bolt, {}/8\"\" zinc\",EA,{}.{:02},{}.{:04},"
                           "{},CLASS{},2024-{:02}-{:02} 10:{:02}:00\n",
                           i, 10000 + i % 731, i * 7 % 1000000, 1 + i % 7, i % 900, i % 100,
                           i % 500, i % 10000, i % 2000, i % 40, 1 + i % 12, 1 + i % 28, i % 60);
        }
        return out;
    }();
    return text;
}

const fs::path& sample_file() {
    static const fs::path path = [] {
        fs::path p = fs::temp_directory_path() / "cs_csv_bench.csv";
        std::FILE* f = std::fopen(p.string().c_str(), "wb");
        if (f == nullptr ||
            std::fwrite(sample().data(), 1, sample().size(), f) != sample().size()) {
            std::fprintf(stderr, "cannot write %s\n", p.string().c_str());
            std::exit(1);
        }
        std::fclose(f);
        return p;
    }();
    return path;
}

void drain(benchmark::State& state, cs::RowReader& reader) {
    cs::RawBatch batch;
    std::size_t rows = 0;
    for (;;) {
        auto more = reader.read(batch, 8192);
        if (!more) {
            state.SkipWithError(more.error().message.c_str());
            return;
        }
        rows += batch.size();
        if (!batch.rejected().empty()) {
            state.SkipWithError(batch.rejected().front().error.c_str());
            return;
        }
        if (!*more) {
            break;
        }
    }
    if (rows != g_rows) {
        state.SkipWithError("row count mismatch");
    }
}

void BM_CsvFile(benchmark::State& state) {
    const fs::path& path = sample_file();
    for (auto _ : state) {
        auto reader = cs::CsvReader::open(path, cs::CsvOptions{});
        if (!reader) {
            state.SkipWithError(reader.error().message.c_str());
            return;
        }
        drain(state, **reader);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * sample().size()));
    state.counters["rows_per_second"] = benchmark::Counter(
        static_cast<double>(state.iterations() * g_rows), benchmark::Counter::kIsRate);
}

void BM_CsvBuffer(benchmark::State& state) {
    for (auto _ : state) {
        auto reader = cs::CsvReader::from_buffer(sample(), "bench.csv", cs::CsvOptions{});
        if (!reader) {
            state.SkipWithError(reader.error().message.c_str());
            return;
        }
        drain(state, **reader);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * sample().size()));
}

BENCHMARK(BM_CsvFile)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_CsvBuffer)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]).rfind("--rows=", 0) == 0) {
            g_rows = std::strtoull(argv[i] + 7, nullptr, 10);
        }
    }
    benchmark::Initialize(&argc, argv);
    std::fprintf(stderr, "sample: %zu rows, %.1f MB\n", g_rows,
                 static_cast<double>(sample().size()) / 1e6);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    std::error_code ignored;
    fs::remove(sample_file(), ignored);
    return 0;
}
