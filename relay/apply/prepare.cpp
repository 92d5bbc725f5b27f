#include "relay/apply/prepare.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "common/uuid/uuid.hpp"
#include "relay/apply/json_render.hpp"
#include "relay/db/copy_writer.hpp"

namespace cs::relay::apply {
namespace {

bool has_nul(std::string_view text) {
    return text.find('\0') != std::string_view::npos;
}

Error rejected(std::string_view what, std::string_view why) {
    return make_error(ErrorCode::invalid_argument, "{}: {}", what, why);
}

// PostgreSQL text and jsonb cannot hold U+0000.
Status check_text(const wire::ChangeSet& set) {
    for (std::string_view name : {std::string_view(set.entity), std::string_view(set.parent_entity),
                                  std::string_view(set.run_id)}) {
        if (has_nul(name)) {
            return rejected("change set header", "a name contains a NUL character");
        }
    }
    for (const auto& field : set.schema) {
        if (has_nul(field.name)) {
            return rejected("field name", "contains a NUL character");
        }
    }
    for (std::size_t i = 0; i < set.rows.size(); ++i) {
        const auto& row = set.rows[i];
        if (has_nul(row.rowversion)) {
            return rejected(fmt::format("row {}", i + 1),
                            "rowversion contains a NUL character, which PostgreSQL cannot store");
        }
        for (std::size_t f = 0; f < row.values.size(); ++f) {
            const auto& v = row.values[f];
            if (v.type() == FieldType::string && has_nul(v.as_string())) {
                return rejected(fmt::format("row {}, field '{}'", i + 1, set.schema[f].name),
                                "contains a NUL character, which PostgreSQL cannot store");
            }
        }
    }
    return ok();
}

Status check_unique_keys(const wire::ChangeSet& set) {
    // Integer keys sort several times faster than byte-wise Hash128 comparisons;
    // the order is irrelevant, only equal neighbours matter.
    struct Key {
        std::uint64_t hi;
        std::uint64_t lo;
        std::size_t row;
        bool operator<(const Key& o) const { return hi != o.hi ? hi < o.hi : lo < o.lo; }
        bool same(const Key& o) const { return hi == o.hi && lo == o.lo; }
    };
    std::vector<Key> keys(set.rows.size());
    for (std::size_t i = 0; i < set.rows.size(); ++i) {
        std::memcpy(&keys[i].hi, set.rows[i].bk_hash.bytes.data(), 8);
        std::memcpy(&keys[i].lo, set.rows[i].bk_hash.bytes.data() + 8, 8);
        keys[i].row = i;
    }
    std::sort(keys.begin(), keys.end());
    auto dup = std::adjacent_find(keys.begin(), keys.end(),
                                  [](const Key& a, const Key& b) { return a.same(b); });
    if (dup != keys.end()) {
        auto first = std::min(dup->row, (dup + 1)->row);
        auto second = std::max(dup->row, (dup + 1)->row);
        return rejected(fmt::format("rows {} and {}", first + 1, second + 1),
                        fmt::format("both change bk_hash {}; a change set changes each row once",
                                    set.rows[first].bk_hash.to_hex()));
    }
    return ok();
}

std::string_view hash_bytes(const Hash128& h) {
    return {reinterpret_cast<const char*>(h.bytes.data()), h.bytes.size()};
}

std::string uuid_bytes(const Uuid& u) {
    return {reinterpret_cast<const char*>(u.bytes.data()), u.bytes.size()};
}

// change_log rows for a set of new rows: all inserts, written by COPY.
void render_log(PreparedChangeSet& out, const wire::ChangeSet& set, const std::string& tenant,
                const std::string& site, const std::string& stream) {
    out.log_data.reserve(set.rows.size() * 110 + 64);
    db::CopyWriter log(out.log_data);
    for (const auto& row : set.rows) {
        log.begin_row(8);
        log.bytes(tenant);
        log.bytes(site);
        log.bytes(stream);
        log.int64(static_cast<std::int64_t>(set.sequence));
        log.bytes(set.entity);
        log.bytes(hash_bytes(row.bk_hash));
        log.bytes("i");
        log.bytes(hash_bytes(row.data_hash));
    }
    log.finish();
}

}  // namespace

Expected<PreparedChangeSet> prepare(std::string_view frame, const wire::Limits& limits,
                                    const SiteRef& site) {
    auto tenant_id = Uuid::parse(site.tenant_id);
    auto site_id = Uuid::parse(site.site_id);
    if (!tenant_id || !site_id) {
        return make_error(ErrorCode::internal, "prepare: the site reference is not two UUIDs");
    }
    auto decoded = wire::decode(frame, limits);
    if (!decoded) {
        return std::move(decoded).error();
    }
    const auto& set = decoded->set;
    auto stream = Uuid::parse(set.stream_id);
    if (!stream) {
        return rejected("stream id", fmt::format("'{}' is not a UUID", set.stream_id));
    }
    if (set.sequence == 0 ||
        set.sequence > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return rejected("sequence", fmt::format("{} is out of range (1 to 2^63-1)", set.sequence));
    }
    if (auto s = check_text(set); !s) {
        return std::move(s).error();
    }
    if (auto s = check_unique_keys(set); !s) {
        return std::move(s).error();
    }

    PreparedChangeSet out;
    out.stream_id = stream->to_string();
    out.sequence = set.sequence;
    out.entity = set.entity;
    out.parent_entity = set.parent_entity;
    out.run_id = set.run_id;
    out.created_at_us = set.created_at_us;
    out.content_digest = decoded->content_digest;
    out.frame_bytes = frame.size();
    out.row_count = set.rows.size();
    out.site = site;
    out.all_inserts = !set.rows.empty();

    auto tenant = uuid_bytes(*tenant_id);
    auto site_bytes = uuid_bytes(*site_id);
    // Roughly the decoded body plus per-field overhead: one allocation, not dozens.
    out.copy_data.reserve(decoded->body_bytes * 2 + set.rows.size() * 96 + 64);
    db::CopyWriter copy(out.copy_data);
    JsonRenderer json(set.schema);
    for (std::size_t i = 0; i < set.rows.size(); ++i) {
        const auto& row = set.rows[i];
        if (row.parent_bk_hash && set.parent_entity.empty()) {
            return rejected(fmt::format("row {}", i + 1),
                            "has a parent bk_hash but the change set names no parent entity");
        }
        bool remove = row.op == wire::Op::remove;
        out.all_inserts = out.all_inserts && row.op == wire::Op::insert;
        copy.begin_row(9);
        copy.bytes(tenant);
        copy.bytes(site_bytes);
        copy.bytes(set.entity);
        copy.bytes(hash_bytes(row.bk_hash));
        if (row.parent_bk_hash && !remove) {
            copy.bytes(hash_bytes(*row.parent_bk_hash));
            ++out.rows_with_parent;
        } else {
            copy.null();
        }
        if (remove) {
            ++out.removes;
            copy.null();
            copy.null();
        } else {
            ++out.live_rows;
            std::size_t slot = 0;
            copy.begin_jsonb_field(slot);
            json.render(copy.out(), row.values);
            copy.end_field(slot);
            copy.bytes(hash_bytes(row.data_hash));
        }
        row.rowversion.empty() ? copy.null() : copy.bytes(row.rowversion);
        copy.int64(static_cast<std::int64_t>(set.sequence));
    }
    copy.finish();
    if (out.all_inserts && out.rows_with_parent == 0) {
        render_log(out, set, tenant, site_bytes, uuid_bytes(*stream));
    }
    return out;
}

}  // namespace cs::relay::apply
