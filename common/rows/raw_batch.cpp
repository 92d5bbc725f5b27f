#include "common/rows/raw_batch.hpp"

#include <cassert>
#include <cstring>

namespace cs {

std::string_view to_string(CellKind kind) {
    switch (kind) {
        case CellKind::empty:
            return "empty";
        case CellKind::text:
            return "text";
        case CellKind::number:
            return "number";
        case CellKind::boolean:
            return "boolean";
        case CellKind::date:
            return "date";
        case CellKind::datetime:
            return "datetime";
    }
    return "?";
}

// Bump allocator in fixed blocks: views handed out never move, and clear()
// keeps the first block for reuse so a steady stream of batches allocates nothing.
struct RawBatch::Arena {
    static constexpr std::size_t kBlockSize = 1u << 20;
    std::vector<std::unique_ptr<char[]>> blocks;
    std::vector<std::size_t> sizes;
    std::size_t used = 0;  // in the last block
    std::size_t total = 0;

    std::string_view copy(std::string_view bytes) {
        if (bytes.empty()) {
            return {};
        }
        if (bytes.size() > kBlockSize / 4) {
            // Large values get their own block, inserted before the current one.
            auto block = std::make_unique_for_overwrite<char[]>(bytes.size());
            std::memcpy(block.get(), bytes.data(), bytes.size());
            std::string_view out(block.get(), bytes.size());
            blocks.insert(blocks.end() - (blocks.empty() ? 0 : 1), std::move(block));
            sizes.insert(sizes.end() - (sizes.empty() ? 0 : 1), bytes.size());
            total += bytes.size();
            return out;
        }
        if (blocks.empty() || used + bytes.size() > sizes.back()) {
            blocks.push_back(std::make_unique_for_overwrite<char[]>(kBlockSize));
            sizes.push_back(kBlockSize);
            used = 0;
        }
        char* dest = blocks.back().get() + used;
        std::memcpy(dest, bytes.data(), bytes.size());
        used += bytes.size();
        total += bytes.size();
        return {dest, bytes.size()};
    }

    void reset() {
        if (blocks.size() > 1 || (!sizes.empty() && sizes.front() != kBlockSize)) {
            blocks.clear();
            sizes.clear();
        }
        used = 0;
        total = 0;
    }
};

RawBatch::RawBatch() : arena_(std::make_unique<Arena>()) {}
RawBatch::~RawBatch() = default;
RawBatch::RawBatch(RawBatch&&) noexcept = default;
RawBatch& RawBatch::operator=(RawBatch&&) noexcept = default;

void RawBatch::clear() {
    cells_.clear();
    rows_.clear();
    rejected_.clear();
    arena_->reset();
    in_row_ = false;
}

void RawBatch::begin_row(const RowLocation& location) {
    assert(!in_row_);
    in_row_ = true;
    rows_.push_back(Row{location, cells_.size(), 0, {}});
}

void RawBatch::add_cell(CellKind kind, std::string_view text) {
    assert(in_row_);
    cells_.push_back(RawCell{kind, arena_->copy(text)});
    ++rows_.back().cell_count;
}

void RawBatch::end_row(std::string_view raw) {
    assert(in_row_);
    rows_.back().raw = arena_->copy(raw);
    in_row_ = false;
}

void RawBatch::abandon_row() {
    assert(in_row_);
    cells_.resize(rows_.back().first_cell);
    rows_.pop_back();
    in_row_ = false;
}

std::string_view RawBatch::intern(std::string_view bytes) {
    return arena_->copy(bytes);
}

std::span<const RawCell> RawBatch::row(std::size_t i) const {
    const Row& r = rows_[i];
    return {cells_.data() + r.first_cell, r.cell_count};
}

std::size_t RawBatch::arena_bytes() const {
    return arena_->total;
}

}  // namespace cs
