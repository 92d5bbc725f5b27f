#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "tests/tools/p21sim/dataset.hpp"
#include "tests/tools/p21sim/query_options.hpp"

namespace cs::p21sim {

// One page of a query: row indexes in result order, and how many rows match in all.
struct Page {
    std::vector<std::uint64_t> rows;
    std::uint64_t total = 0;
};

// Runs queries over datasets. Without $filter and $orderby a page is found by
// position (key order, skipping deleted rows). Otherwise the ordered list of
// matching rows is built once per (dataset, filter, orderby) and kept until the
// table changes, so paging through a filtered million-row table costs one scan.
// Callers hold the store's read lock.
class QueryEngine {
public:
    explicit QueryEngine(std::size_t max_cached_results = 16) : max_cached_(max_cached_results) {}

    // Rows [offset, offset + limit) of the query's ordered matches.
    Page run(const Dataset& dataset, const QueryOptions& options, std::uint64_t offset,
             std::uint64_t limit);

    void clear();
    std::uint64_t cache_hits() const;
    std::uint64_t cache_misses() const;

private:
    using Matches = std::vector<std::uint32_t>;

    struct Entry {
        std::uint64_t version = 0;
        std::shared_ptr<const Matches> matches;
        std::list<std::string>::iterator lru;
    };

    std::shared_ptr<const Matches> matches(const Dataset& dataset, const QueryOptions& options);

    std::size_t max_cached_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> cache_;
    std::list<std::string> lru_;  // most recently used first
    std::uint64_t hits_ = 0;
    std::uint64_t misses_ = 0;
};

// Builds the ordered match list of a query by scanning the dataset.
std::vector<std::uint32_t> find_matches(const Dataset& dataset, const QueryOptions& options);

}  // namespace cs::p21sim
