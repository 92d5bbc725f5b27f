#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/expected.hpp"
#include "common/rows/raw_batch.hpp"

namespace cs::agent::odata {

// What a page said besides its rows.
struct PageInfo {
    std::size_t rows = 0;
    std::string next_link;              // @odata.nextLink, empty on the last page
    std::optional<std::int64_t> count;  // @odata.count, when $count=true was asked
};

// Turns OData JSON pages ({"value": [ {...}, ... ]}) into raw rows with a fixed
// column list. Strings become text cells, numbers keep their exact digits,
// booleans "true"/"false", null an empty cell; nested values keep their JSON.
// Properties not in the column list are ignored; missing ones are empty. Each
// row's raw text is its JSON object as sent.
class PageParser {
public:
    explicit PageParser(std::vector<std::string> columns);
    ~PageParser();
    PageParser(PageParser&&) noexcept;
    PageParser& operator=(PageParser&&) noexcept;

    // Parses `body` (padding is added to it in place) into `batch`, appending
    // rows located at `page`, with records numbered after `first_record`.
    // A body that is not a complete OData page is an error: nothing of it may be used.
    Expected<PageInfo> parse(std::string& body, RawBatch& batch, std::uint64_t page,
                             std::uint64_t first_record);

    const std::vector<std::string>& columns() const { return columns_; }
    // Index of a column, if it is one.
    std::optional<std::size_t> column_index(std::string_view name) const;

private:
    struct Impl;
    std::vector<std::string> columns_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::agent::odata
