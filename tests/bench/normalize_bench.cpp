// The normalize stage on a realistic vendor-contract row: ids, padded item
// numbers, text with commas and quotes, a value map, decimals with currency and
// thousands separators, a percentage, a US date, a local timestamp converted
// from America/Chicago, a boolean. Reports ns per row (target: 1M rows x 10
// fields well under 1 s on one core).
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "agent/normalize/field_spec.hpp"
#include "agent/normalize/normalizer.hpp"
#include "common/config/document.hpp"
#include "common/config/reader.hpp"
#include "common/rows/raw_batch.hpp"

namespace {

constexpr std::size_t kRows = 100'000;

constexpr std::string_view kEntity = R"({
  "normalize": { "dates": { "timezone": "America/Chicago" } },
  "fields": [
    { "name": "line_id", "from": "Line", "type": "integer", "required": true },
    { "name": "item_id", "from": "Item", "transforms": ["upper", { "pad_left": 8, "char": "0" }] },
    { "name": "description", "from": "Description" },
    { "name": "uom", "from": "UOM", "map": { "EACH": "EA", "CASE": "CS" }, "map_case_insensitive": true },
    { "name": "price", "from": "Price", "type": "decimal", "required": true, "scale": 4 },
    { "name": "qty", "from": "Qty", "type": "integer" },
    { "name": "discount", "from": "Disc %", "type": "decimal", "percent": true },
    { "name": "effective_start", "from": "Start", "type": "date" },
    { "name": "date_last_modified", "from": "Modified", "type": "timestamp" },
    { "name": "active", "from": "Active", "type": "boolean" }
  ]
})";

const std::vector<std::string> kColumns = {"Line", "Item",   "Description", "UOM",      "Price",
                                           "Qty",  "Disc %", "Start",       "Modified", "Active"};

std::vector<cs::agent::FieldSpec> load_fields() {
    auto doc = cs::config::Document::parse(kEntity, "normalize_bench");
    auto fields = cs::agent::parse_fields(cs::config::Reader(*doc));
    if (!fields) {
        fmt::print(stderr, "{}\n", fields.error().message);
        std::abort();
    }
    return *fields;
}

// Deterministic, varied rows, so no branch or cache sees the same value twice in a row.
cs::RawBatch make_batch() {
    cs::RawBatch batch;
    batch.set_columns(kColumns);
    static constexpr std::string_view kUoms[] = {"each", "EA", "Case", "BX", "cs"};
    for (std::size_t i = 0; i < kRows; ++i) {
        batch.begin_row(cs::RowLocation{i + 2, i + 1, 0});
        auto add = [&](const std::string& text) { batch.add_cell(cs::CellKind::text, text); };
        add(fmt::format("{}", 1'000'000 + i));
        add(fmt::format("ab{}", 10'000 + i % 90'000));
        add(fmt::format("Widget, \"large\" {}/4 in, lot {}", i % 4 + 1, i % 997));
        add(std::string(kUoms[i % 5]));
        add(fmt::format("${},{:03}.{:04}", 1 + i % 9, i % 1000, i % 10'000));
        add(fmt::format("{},{:03}", 1 + i % 50, i % 1000));
        add(fmt::format("{}.{}%", i % 30, i % 10));
        add(fmt::format("{}/{}/20{}", 1 + i % 12, 1 + i % 28, 20 + i % 10));
        add(fmt::format("2026-{:02}-{:02} {:02}:{:02}:{:02}", 1 + i % 12, 1 + i % 28, i % 24,
                        i % 60, (i * 7) % 60));
        add(i % 3 == 0 ? "N" : "Y");
        batch.end_row("");
    }
    return batch;
}

void BM_NormalizeRows(benchmark::State& state) {
    auto fields = load_fields();
    cs::RawBatch batch = make_batch();
    auto normalizer = cs::agent::Normalizer::bind(fields, batch.columns());
    if (!normalizer) {
        state.SkipWithError(normalizer.error().message.c_str());
        return;
    }
    std::vector<cs::Value> out;
    cs::agent::RowError error;
    std::size_t failed = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < batch.size(); ++i) {
            failed += normalizer->normalize(batch.row(i), out, error) ? 0 : 1;
            benchmark::DoNotOptimize(out.data());
        }
    }
    if (failed != 0) {
        state.SkipWithError(
            fmt::format("{} rows failed, e.g. {}: {}", failed, error.field, error.message).c_str());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
    // CPU seconds per row, printed with an SI prefix ("430n" = 430 ns per row).
    state.counters["per_row"] = benchmark::Counter(
        static_cast<double>(batch.size()),
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_NormalizeRows)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
