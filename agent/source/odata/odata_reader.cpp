#include "agent/source/odata/odata_reader.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "agent/source/odata/odata_url.hpp"

namespace cs::agent::odata {

OdataReader::OdataReader(OdataClient& client, ReadSpec spec)
    : client_(client), spec_(std::move(spec)), parser_(spec_.select), instants_(spec_.zone) {
    if (!spec_.modified_column.empty()) {
        modified_index_ = parser_.column_index(spec_.modified_column);
    }
    spec_.page_size = std::max<std::size_t>(1, spec_.page_size);
    for (const auto& column : spec_.order_by) {
        auto index = parser_.column_index(column);
        if (!index) {
            key_index_.clear();
            break;
        }
        key_index_.push_back(*index);
    }
}

void OdataReader::remember_last_key(const RawBatch& batch) {
    if (batch.size() == 0 || key_index_.empty()) {
        return;
    }
    auto cells = batch.row(batch.size() - 1);
    last_key_.clear();
    for (std::size_t index : key_index_) {
        const RawCell& cell = cells[index];
        last_key_.push_back({cell.kind, std::string(cell.text)});
    }
}

std::string OdataReader::window_url() const {
    std::vector<std::pair<std::string, std::string>> options;
    options.emplace_back("$select", fmt::format("{}", fmt::join(spec_.select, ",")));
    if (!spec_.filter.empty()) {
        options.emplace_back("$filter", spec_.filter);
    }
    if (!spec_.order_by.empty()) {
        options.emplace_back("$orderby", fmt::format("{}", fmt::join(spec_.order_by, ",")));
    }
    if (spec_.paging == OdataPaging::client) {
        options.emplace_back("$top", std::to_string(spec_.page_size));
        options.emplace_back("$skip", std::to_string(skip_));
    }
    if (pages_ == 0) {
        options.emplace_back("$count", "true");  // progress, and where a short page ends
    }
    return with_query(spec_.url, options);
}

std::string OdataReader::next_url() const {
    return next_link_.empty() ? window_url() : next_link_;
}

void OdataReader::track_modified(const RawBatch& batch, std::size_t from) {
    if (!modified_index_) {
        return;
    }
    for (std::size_t i = from; i < batch.size(); ++i) {
        auto cells = batch.row(i);
        if (*modified_index_ >= cells.size() || cells[*modified_index_].kind == CellKind::empty) {
            continue;
        }
        auto at = instants_.micros(cells[*modified_index_].text);
        if (at && (!max_modified_ || *at > *max_modified_)) {
            max_modified_ = at;
        }
    }
}

Expected<bool> OdataReader::read(RawBatch& batch, std::size_t max_rows) {
    batch.clear();
    if (batch.columns() != spec_.select) {
        batch.set_columns(spec_.select);
    }
    // Whole pages per batch: a page is already bounded, and parsing it at once
    // lets the next request go out while the pipeline works on this one.
    while (!done_ && (batch.size() == 0 || batch.size() + spec_.page_size <= max_rows)) {
        if (spec_.halt && spec_.halt()) {
            halted_ = true;
            break;
        }
        std::string url = next_url();
        if (auto st = client_.get(url, body_); !st) {
            return Error{st.error().code, fmt::format("{}: page {}: {}", spec_.entity, pages_ + 1,
                                                      st.error().message)};
        }
        ++pages_;
        std::size_t before = batch.size();
        auto page = parser_.parse(body_, batch, pages_, rows_);
        if (!page) {
            return Error{page.error().code,
                         fmt::format("{}: GET {}: {}", spec_.entity, url.substr(0, url.find('?')),
                                     page.error().message)};
        }
        track_modified(batch, before);
        rows_ += page->rows;
        window_rows_ += page->rows;
        if (page->count && !count_) {
            count_ = page->count;
            spdlog::info("{}: {} rows to read", spec_.entity, *count_);
        }
        if (!page->next_link.empty()) {
            auto next = resolve_next_link(url, page->next_link);
            if (!next) {
                return Error{next.error().code,
                             fmt::format("{}: {}", spec_.entity, next.error().message)};
            }
            next_link_ = std::move(*next);
            continue;
        }
        next_link_.clear();
        if (spec_.paging == OdataPaging::server) {
            done_ = true;
            break;
        }
        // Client paging: the window (possibly split by next links) has ended.
        std::uint64_t got = window_rows_;
        window_rows_ = 0;
        skip_ += got;
        if (got == 0) {
            done_ = true;
        } else if (count_ && skip_ >= static_cast<std::uint64_t>(*count_)) {
            // Everything counted is in: the end, without one more request. Rows
            // inserted meanwhile come with the next incremental read.
            done_ = true;
        }
        // A short page before the count is reached is a server capping $top
        // silently: ask for the next window from where the rows really ended.
    }
    remember_last_key(batch);
    if (done_) {
        spdlog::debug("{}: read {} rows in {} pages", spec_.entity, rows_, pages_);
    }
    return !done_;
}

}  // namespace cs::agent::odata
