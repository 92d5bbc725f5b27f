#include "agent/validate/failed_row.hpp"

#include "common/text/json_string.hpp"

namespace cs::agent {
namespace {

constexpr const char* kColumns =
    "id, run_id, entity, stage, field, error, value, source, line, record, page, raw, cells, "
    "created_at";

FailedRow read_row(const sqlite::Statement& s) {
    FailedRow r;
    r.id = s.column_int(0);
    r.run_id = s.column_text(1);
    r.entity = s.column_text(2);
    r.stage = s.column_text(3);
    r.field = s.column_text(4);
    r.error = s.column_text(5);
    r.value = s.column_text(6);
    r.source = s.column_text(7);
    r.location.line = static_cast<std::uint64_t>(s.column_int(8));
    r.location.record = static_cast<std::uint64_t>(s.column_int(9));
    r.location.page = static_cast<std::uint64_t>(s.column_int(10));
    r.raw = s.column_text(11);
    r.cells = s.column_text(12);
    r.created_at = s.column_int(13);
    return r;
}

Expected<std::vector<FailedRow>> collect(sqlite::Statement& s) {
    return sqlite::collect(s, read_row);
}

}  // namespace

std::string cells_json(const std::vector<std::string>& columns, std::span<const RawCell> cells) {
    std::string out = "{";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        text::append_json_string(out, columns[i]);
        out += ':';
        if (i < cells.size() && cells[i].kind != CellKind::empty) {
            text::append_json_string(out, cells[i].text);
        } else {
            out += "null";
        }
    }
    out += '}';
    return out;
}

Status FailedRowStore::insert(const FailedRow& row) {
    auto s = db_->prepare(
        "INSERT INTO failed_rows(run_id, entity, stage, field, error, value, source, line, record, "
        "page, raw, cells, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
        "?13)");
    if (!s) {
        return std::move(s).error();
    }
    s->bind_view(1, row.run_id)
        .bind_view(2, row.entity)
        .bind_view(3, row.stage)
        .bind_view(4, row.field)
        .bind_view(5, row.error)
        .bind_view(6, row.value)
        .bind_view(7, row.source)
        .bind(8, static_cast<std::int64_t>(row.location.line))
        .bind(9, static_cast<std::int64_t>(row.location.record))
        .bind(10, static_cast<std::int64_t>(row.location.page))
        .bind_view(11, row.raw)
        .bind_view(12, row.cells)
        .bind(13, row.created_at);
    return s->run();
}

Expected<std::vector<FailedRow>> FailedRowStore::list(const Filter& filter) {
    auto s = db_->prepare(fmt::format(
        "SELECT {} FROM failed_rows WHERE id > ?1 AND (?2 = '' OR entity = ?2) ORDER BY id "
        "LIMIT ?3",
        kColumns));
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, filter.after_id)
        .bind_view(2, filter.entity)
        .bind(3, static_cast<std::int64_t>(filter.limit));
    return collect(*s);
}

Expected<std::optional<FailedRow>> FailedRowStore::get(std::int64_t id) {
    auto s = db_->prepare(fmt::format("SELECT {} FROM failed_rows WHERE id = ?1", kColumns));
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, id);
    auto rows = collect(*s);
    if (!rows) {
        return std::move(rows).error();
    }
    if (rows->empty()) {
        return std::optional<FailedRow>();
    }
    return std::optional<FailedRow>(std::move(rows->front()));
}

Expected<std::vector<std::pair<std::string, std::int64_t>>> FailedRowStore::counts() {
    auto s =
        db_->prepare("SELECT entity, count(*) FROM failed_rows GROUP BY entity ORDER BY entity");
    if (!s) {
        return std::move(s).error();
    }
    return sqlite::collect(*s, [](sqlite::Statement& row) {
        return std::pair<std::string, std::int64_t>(row.column_text(0), row.column_int(1));
    });
}

Status FailedRowStore::remove(std::int64_t id) {
    auto s = db_->prepare("DELETE FROM failed_rows WHERE id = ?1");
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, id);
    return s->run();
}

Expected<std::int64_t> FailedRowStore::purge(const std::string& entity) {
    auto s = db_->prepare("DELETE FROM failed_rows WHERE ?1 = '' OR entity = ?1");
    if (!s) {
        return std::move(s).error();
    }
    s->bind_view(1, entity);
    if (auto st = s->run(); !st) {
        return std::move(st).error();
    }
    return static_cast<std::int64_t>(db_->changes());
}

Expected<std::vector<FailedRow>> FailedRowStore::unreported(std::size_t limit) {
    auto s = db_->prepare(fmt::format(
        "SELECT {} FROM failed_rows WHERE reported = 0 ORDER BY id LIMIT ?1", kColumns));
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, static_cast<std::int64_t>(limit));
    return collect(*s);
}

Status FailedRowStore::mark_reported(std::int64_t up_to_id) {
    auto s = db_->prepare("UPDATE failed_rows SET reported = 1 WHERE id <= ?1 AND reported = 0");
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, up_to_id);
    return s->run();
}

}  // namespace cs::agent
