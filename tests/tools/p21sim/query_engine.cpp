#include "tests/tools/p21sim/query_engine.hpp"

#include <algorithm>
#include <numeric>

namespace cs::p21sim {

namespace {

// The values of one $orderby column for every match, stored by type so that a
// million-row sort does not hold a million Values.
struct SortColumn {
    Type type = Type::null;
    bool descending = false;
    std::vector<std::uint8_t> is_null;
    std::vector<std::int64_t> integers;  // integer, datetime, boolean
    std::vector<Decimal> decimals;
    std::vector<std::string> strings;

    void add(const Value& v) {
        is_null.push_back(v.is_null() ? 1 : 0);
        switch (type) {
            case Type::decimal:
                decimals.push_back(v.type == Type::integer ? Decimal::from_int(v.integer)
                                                           : v.decimal);
                break;
            case Type::string:
                strings.push_back(v.is_null() ? std::string() : v.text);
                break;
            case Type::boolean:
                integers.push_back(v.boolean ? 1 : 0);
                break;
            default:
                integers.push_back(v.integer);
                break;
        }
    }

    // Nulls first ascending, last descending, as SQL Server orders them.
    std::weak_ordering compare(std::size_t a, std::size_t b) const {
        std::weak_ordering order = std::weak_ordering::equivalent;
        if (is_null[a] || is_null[b]) {
            order = is_null[b] <=> is_null[a];
        } else if (type == Type::decimal) {
            order = decimals[a] <=> decimals[b];
        } else if (type == Type::string) {
            order = compare_ci(strings[a], strings[b]);
        } else {
            order = integers[a] <=> integers[b];
        }
        if (descending) {
            return 0 <=> order;
        }
        return order;
    }
};

void sort_matches(const Dataset& dataset, const QueryOptions& options,
                  std::vector<std::uint32_t>& matches) {
    const Table& table = dataset.table();
    std::vector<SortColumn> keys(options.orderby.size());
    Value cell;
    for (std::size_t k = 0; k < keys.size(); ++k) {
        keys[k].type = dataset.schema().columns[options.orderby[k].column].type;
        keys[k].descending = options.orderby[k].descending;
    }
    for (std::uint32_t index : matches) {
        const Row* overlay = table.overlay(index);
        for (std::size_t k = 0; k < keys.size(); ++k) {
            dataset.cell(index, overlay, options.orderby[k].column, cell);
            keys[k].add(cell);
        }
    }
    std::vector<std::uint32_t> order(matches.size());
    std::iota(order.begin(), order.end(), 0u);
    // Ties fall back to key order, as OData services append the key for stable paging.
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        for (const SortColumn& key : keys) {
            auto c = key.compare(a, b);
            if (c != 0) {
                return c < 0;
            }
        }
        return matches[a] < matches[b];
    });
    std::vector<std::uint32_t> sorted(matches.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        sorted[i] = matches[order[i]];
    }
    matches.swap(sorted);
}

// True if the query reads rows in plain key order with no filter.
bool positional(const Dataset& dataset, const QueryOptions& options) {
    if (options.filter) {
        return false;
    }
    return options.orderby.empty() ||
           (options.orderby.size() == 1 && !options.orderby[0].descending &&
            dataset.source_column(options.orderby[0].column) == dataset.table().schema().key);
}

}  // namespace

std::vector<std::uint32_t> find_matches(const Dataset& dataset, const QueryOptions& options) {
    const Table& table = dataset.table();
    std::vector<std::uint32_t> matches;
    std::vector<Value> cells(options.filter ? options.filter->columns.size() : 0);
    for (std::uint64_t index = table.next_live(0); index < table.index_end();
         index = table.next_live(index + 1)) {
        if (options.filter) {
            const Row* overlay = table.overlay(index);
            for (std::size_t s = 0; s < cells.size(); ++s) {
                dataset.cell(index, overlay, options.filter->columns[s], cells[s]);
            }
            if (!evaluate(*options.filter, cells)) {
                continue;
            }
        }
        matches.push_back(static_cast<std::uint32_t>(index));
    }
    if (!options.orderby.empty()) {
        sort_matches(dataset, options, matches);
    }
    return matches;
}

std::shared_ptr<const QueryEngine::Matches> QueryEngine::matches(const Dataset& dataset,
                                                                 const QueryOptions& options) {
    std::string key = std::string(dataset.cache_name()) + '\x1f' + options.filter_text + '\x1f' +
                      options.orderby_text;
    std::uint64_t version = dataset.table().version();
    {
        std::lock_guard lock(mutex_);
        auto it = cache_.find(key);
        if (it != cache_.end() && it->second.version == version) {
            ++hits_;
            lru_.splice(lru_.begin(), lru_, it->second.lru);
            return it->second.matches;
        }
        ++misses_;
    }
    // Built outside the lock: a concurrent identical request may build it too,
    // which costs time but never correctness.
    auto built = std::make_shared<const Matches>(find_matches(dataset, options));
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
        lru_.erase(it->second.lru);
        cache_.erase(it);
    }
    lru_.push_front(key);
    cache_.emplace(key, Entry{version, built, lru_.begin()});
    while (cache_.size() > max_cached_) {
        cache_.erase(lru_.back());
        lru_.pop_back();
    }
    return built;
}

Page QueryEngine::run(const Dataset& dataset, const QueryOptions& options, std::uint64_t offset,
                      std::uint64_t limit) {
    Page page;
    const Table& table = dataset.table();
    if (positional(dataset, options)) {
        page.total = table.live_count();
        if (offset >= page.total) {
            return page;
        }
        std::uint64_t n = std::min(limit, page.total - offset);
        page.rows.reserve(n);
        for (std::uint64_t index = table.nth_live(offset); page.rows.size() < n;
             index = table.next_live(index + 1)) {
            page.rows.push_back(index);
        }
        return page;
    }
    auto list = matches(dataset, options);
    page.total = list->size();
    if (offset >= page.total) {
        return page;
    }
    std::uint64_t n = std::min(limit, page.total - offset);
    page.rows.assign(list->begin() + static_cast<std::ptrdiff_t>(offset),
                     list->begin() + static_cast<std::ptrdiff_t>(offset + n));
    return page;
}

void QueryEngine::clear() {
    std::lock_guard lock(mutex_);
    cache_.clear();
    lru_.clear();
}

std::uint64_t QueryEngine::cache_hits() const {
    std::lock_guard lock(mutex_);
    return hits_;
}

std::uint64_t QueryEngine::cache_misses() const {
    std::lock_guard lock(mutex_);
    return misses_;
}

}  // namespace cs::p21sim
