#pragma once

#include <map>
#include <set>
#include <string>

#include "tests/relay/support/source_model.hpp"

namespace cs::relay::testing {

// The fault tests' stream: inserts, then updates of half of them plus new rows,
// then deletes, in sets large enough that a fault usually lands mid-apply.
struct FaultWorkload {
    SourceModel source{"inventory", item_schema()};
    std::map<std::uint64_t, std::string> frames;
    std::set<std::uint64_t> sequences;

    explicit FaultWorkload(const std::string& stream, std::uint64_t rows = 40'000,
                           std::size_t per_set = 2'000) {
        std::uint64_t next = 1;
        auto take = [&] {
            auto first = next;
            for (auto& f : source.take_frames(stream, next, per_set)) {
                sequences.insert(first);
                frames[first++] = std::move(f);
            }
        };
        for (std::uint64_t i = 0; i < rows; ++i) {
            source.put(item_row(i, 1));
        }
        take();
        for (std::uint64_t i = rows / 2; i < rows + rows / 2; ++i) {
            source.put(item_row(i, 2));
        }
        take();
        for (std::uint64_t i = 0; i < rows / 4; ++i) {
            source.remove(item_key(i * 3));
        }
        take();
    }
};

}  // namespace cs::relay::testing
