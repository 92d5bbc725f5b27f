#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/config/agent_config.hpp"
#include "agent/source/odata/odata_client.hpp"
#include "agent/source/odata/page_parser.hpp"
#include "agent/source/odata/read_cursor.hpp"
#include "agent/source/odata/watermark.hpp"
#include "common/rows/raw_batch.hpp"

namespace cs::agent::odata {

// One read of an entity set: which columns, rows and order, and how to page.
struct ReadSpec {
    std::string entity;  // for messages
    std::string url;     // the resource, without query
    std::vector<std::string> select;
    std::vector<std::string> order_by;  // the key: stable $top/$skip paging
    std::string filter;                 // empty: every row
    OdataPaging paging = OdataPaging::client;
    std::size_t page_size = 1000;
    std::string modified_column;  // tracked for the watermark when not empty
    const date::time_zone* zone = nullptr;
    // Asked before every page: true stops the read there (a window closed, a
    // shutdown) with what was read so far; read() then says there is more.
    std::function<bool()> halt;
};

// Reads an OData entity set page by page as raw batches: follows
// @odata.nextLink when the server sends one; otherwise (client paging) asks
// for $top/$skip windows ordered by the key until a page comes back empty or
// short with the total counted. One page is held at a time, so memory does not
// grow with the table.
class OdataReader final : public RowReader {
public:
    OdataReader(OdataClient& client, ReadSpec spec);

    Expected<bool> read(RawBatch& batch, std::size_t max_rows) override;
    const std::vector<std::string>& columns() const override { return spec_.select; }

    // The latest modification time read, in UTC micros (for the watermark).
    std::optional<std::int64_t> max_modified() const { return max_modified_; }
    std::optional<std::int64_t> total() const { return count_; }
    std::uint64_t pages() const { return pages_; }
    std::uint64_t rows() const { return rows_; }
    // True once `halt` stopped the read before its end.
    bool halted() const { return halted_; }
    // The key of the last row handed out (empty before the first): where a
    // stopped read resumes. Read in $orderby order, so every row up to it was handed out.
    const std::vector<KeyValue>& last_key() const { return last_key_; }
    // The URL the next page comes from (the first page's before the read).
    std::string next_url() const;

private:
    std::string window_url() const;
    void track_modified(const RawBatch& batch, std::size_t from);
    void remember_last_key(const RawBatch& batch);

    OdataClient& client_;
    ReadSpec spec_;
    PageParser parser_;
    InstantReader instants_;
    std::optional<std::size_t> modified_index_;
    std::vector<std::size_t> key_index_;  // columns of order_by in select, when all are selected
    std::vector<KeyValue> last_key_;
    std::string body_;
    std::string next_link_;   // resolved; empty: the next window (client) or the end
    std::uint64_t skip_ = 0;  // rows before the current $top/$skip window
    std::uint64_t window_rows_ = 0;
    std::uint64_t pages_ = 0;
    std::uint64_t rows_ = 0;
    std::optional<std::int64_t> count_;
    std::optional<std::int64_t> max_modified_;
    bool done_ = false;
    bool halted_ = false;
};

}  // namespace cs::agent::odata
