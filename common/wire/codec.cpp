#include "common/wire/codec.hpp"

#include <set>
#include <string_view>

#include <simdjson.h>
#include <xxhash.h>
#include <zstd.h>

#include "common/wire/bytes.hpp"

namespace cs::wire {
namespace {

constexpr std::string_view kMagic = "CSCS";
constexpr std::uint8_t kFlagZstd = 0x01;

std::uint32_t body_checksum(std::string_view body) {
    return static_cast<std::uint32_t>(XXH3_64bits(body.data(), body.size()));
}

bool valid_op(std::uint8_t op) {
    return op >= 1 && op <= 3;
}

struct DecoderContext {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    ~DecoderContext() { ZSTD_freeDCtx(dctx); }
};

struct EncoderContext {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ~EncoderContext() { ZSTD_freeCCtx(cctx); }
};

void write_value(ByteWriter& w, const Value& value) {
    auto type = value.type();
    if (!type) {
        w.u8(0);
        return;
    }
    w.u8(static_cast<std::uint8_t>(*type));
    switch (*type) {
        case FieldType::string:
            w.bytes(value.as_string());
            break;
        case FieldType::decimal:
            w.u8(static_cast<std::uint8_t>(value.as_decimal().scale()));
            w.zigzag128(value.as_decimal().units());
            break;
        case FieldType::integer:
            w.zigzag(value.as_integer());
            break;
        case FieldType::boolean:
            w.u8(value.as_boolean() ? 1 : 0);
            break;
        case FieldType::date:
            w.zigzag(value.as_date().days);
            break;
        case FieldType::timestamp:
            w.zigzag(value.as_timestamp().micros);
            break;
    }
}

Error in_body(Error error) {
    return std::move(error).wrap("change set");
}

Expected<std::string_view> read_name(ByteReader& r, std::string_view what, const Limits& limits) {
    auto name = r.bytes(what, limits.max_name_bytes);
    if (name && !simdjson::validate_utf8(name->data(), name->size())) {
        return r.malformed(what, "not valid UTF-8");
    }
    return name;
}

Expected<Value> read_value(ByteReader& r, FieldType type, const Limits& limits) {
    auto tag = r.u8("value tag");
    if (!tag) {
        return std::move(tag).error();
    }
    if (*tag == 0) {
        return Value::null();
    }
    if (*tag != static_cast<std::uint8_t>(type)) {
        return r.malformed(
            "value tag",
            fmt::format("type {} does not match the field's declared {}", *tag, to_string(type)));
    }
    switch (type) {
        case FieldType::string: {
            auto s = r.bytes("string value", limits.max_value_bytes);
            if (!s) {
                return std::move(s).error();
            }
            if (!simdjson::validate_utf8(s->data(), s->size())) {
                return r.malformed("string value", "not valid UTF-8");
            }
            return Value(std::string(*s));
        }
        case FieldType::decimal: {
            auto scale = r.u8("decimal scale");
            if (!scale) {
                return std::move(scale).error();
            }
            auto units = r.zigzag128("decimal units");
            if (!units) {
                return std::move(units).error();
            }
            auto d = Decimal::from_units(*units, *scale);
            if (!d) {
                return r.malformed("decimal value", d.error().message);
            }
            return Value(*d);
        }
        case FieldType::integer: {
            auto v = r.zigzag("integer value");
            if (!v) {
                return std::move(v).error();
            }
            return Value(*v);
        }
        case FieldType::boolean: {
            auto v = r.u8("boolean value");
            if (!v) {
                return std::move(v).error();
            }
            if (*v > 1) {
                return r.malformed("boolean value", "must be 0 or 1");
            }
            return Value(*v == 1);
        }
        case FieldType::date: {
            auto v = r.zigzag("date value");
            if (!v) {
                return std::move(v).error();
            }
            if (*v < INT32_MIN || *v > INT32_MAX) {
                return r.malformed("date value", "out of range");
            }
            return Value(Date{static_cast<std::int32_t>(*v)});
        }
        case FieldType::timestamp: {
            auto v = r.zigzag("timestamp value");
            if (!v) {
                return std::move(v).error();
            }
            return Value(Timestamp{*v});
        }
    }
    return r.malformed("value tag", "unknown type");
}

Expected<ChangeSet> decode_body(std::string_view body, const Limits& limits) {
    ByteReader r(body);
    ChangeSet set;
    auto stream = read_name(r, "stream id", limits);
    if (!stream) {
        return std::move(stream).error();
    }
    set.stream_id = *stream;
    auto seq = r.varint("sequence");
    if (!seq) {
        return std::move(seq).error();
    }
    set.sequence = *seq;
    auto entity = read_name(r, "entity", limits);
    if (!entity) {
        return std::move(entity).error();
    }
    if (entity->empty()) {
        return r.malformed("entity", "empty name");
    }
    set.entity = *entity;
    auto parent = read_name(r, "parent entity", limits);
    if (!parent) {
        return std::move(parent).error();
    }
    set.parent_entity = *parent;
    auto run = read_name(r, "run id", limits);
    if (!run) {
        return std::move(run).error();
    }
    set.run_id = *run;
    auto created = r.zigzag("created time");
    if (!created) {
        return std::move(created).error();
    }
    set.created_at_us = *created;

    auto n_fields = r.varint("field count");
    if (!n_fields) {
        return std::move(n_fields).error();
    }
    if (*n_fields > limits.max_fields) {
        return make_error(ErrorCode::limit_exceeded, "{} fields, over the limit of {}", *n_fields,
                          limits.max_fields);
    }
    std::set<std::string_view> names;
    for (std::uint64_t i = 0; i < *n_fields; ++i) {
        auto name = read_name(r, "field name", limits);
        if (!name) {
            return std::move(name).error();
        }
        if (name->empty() || !names.insert(*name).second) {
            return r.malformed("field name", fmt::format("'{}' is empty or repeated", *name));
        }
        auto type = r.u8("field type");
        if (!type) {
            return std::move(type).error();
        }
        if (*type < 1 || *type > 6) {
            return r.malformed("field type", fmt::format("unknown type {}", *type));
        }
        set.schema.push_back(Field{std::string(*name), static_cast<FieldType>(*type)});
    }

    auto n_rows = r.varint("row count");
    if (!n_rows) {
        return std::move(n_rows).error();
    }
    if (*n_rows > limits.max_rows) {
        return make_error(ErrorCode::limit_exceeded, "{} rows, over the limit of {}", *n_rows,
                          limits.max_rows);
    }
    // Every row takes at least 18 bytes (op + bk hash + rowversion length): a cheap
    // check that stops a tiny frame from claiming a huge row count.
    if (*n_rows * 18 > r.remaining()) {
        return r.truncated("rows");
    }
    set.rows.resize(static_cast<std::size_t>(*n_rows));
    std::size_t live_rows = 0;
    for (auto& row : set.rows) {
        auto op = r.u8("row op");
        if (!op) {
            return std::move(op).error();
        }
        if (!valid_op(*op)) {
            return r.malformed("row op", fmt::format("unknown op {}", *op));
        }
        row.op = static_cast<Op>(*op);
        if (row.op != Op::remove) {
            ++live_rows;
        }
    }
    for (auto& row : set.rows) {
        auto bk = r.raw("bk hash", 16);
        if (!bk) {
            return std::move(bk).error();
        }
        std::memcpy(row.bk_hash.bytes.data(), bk->data(), 16);
    }
    auto has_parents = r.u8("parent flag");
    if (!has_parents) {
        return std::move(has_parents).error();
    }
    if (*has_parents > 1) {
        return r.malformed("parent flag", "must be 0 or 1");
    }
    if (*has_parents == 1) {
        for (auto& row : set.rows) {
            auto present = r.u8("parent presence");
            if (!present) {
                return std::move(present).error();
            }
            if (*present > 1) {
                return r.malformed("parent presence", "must be 0 or 1");
            }
            if (*present == 1) {
                auto p = r.raw("parent hash", 16);
                if (!p) {
                    return std::move(p).error();
                }
                Hash128 h;
                std::memcpy(h.bytes.data(), p->data(), 16);
                row.parent_bk_hash = h;
            }
        }
    }
    for (auto& row : set.rows) {
        auto rv = r.bytes("rowversion", limits.max_value_bytes);
        if (!rv) {
            return std::move(rv).error();
        }
        if (!simdjson::validate_utf8(rv->data(), rv->size())) {
            return r.malformed("rowversion", "not valid UTF-8");
        }
        row.rowversion = *rv;
    }
    for (auto& row : set.rows) {
        if (row.op == Op::remove) {
            continue;
        }
        auto dh = r.raw("data hash", 16);
        if (!dh) {
            return std::move(dh).error();
        }
        std::memcpy(row.data_hash.bytes.data(), dh->data(), 16);
        row.values.reserve(set.schema.size());
    }
    // Each live row's value needs at least one byte per field.
    if (live_rows * set.schema.size() > r.remaining()) {
        return r.truncated("values");
    }
    for (const auto& field : set.schema) {
        for (auto& row : set.rows) {
            if (row.op == Op::remove) {
                continue;
            }
            auto value = read_value(r, field.type, limits);
            if (!value) {
                return std::move(value).error().wrap(fmt::format("field '{}'", field.name));
            }
            row.values.push_back(std::move(*value));
        }
    }
    if (!r.at_end()) {
        return r.malformed("change set", fmt::format("{} trailing bytes", r.remaining()));
    }
    return set;
}

}  // namespace

std::string_view to_string(Op op) {
    switch (op) {
        case Op::insert:
            return "insert";
        case Op::update:
            return "update";
        case Op::remove:
            return "delete";
    }
    return "unknown";
}

struct ChangeSetWriter::Impl {
    std::string header;
    std::string ops;
    std::string bk_hashes;
    std::string parents;
    bool has_parents = false;
    std::string rowversions;
    std::string data_hashes;
    std::vector<std::string> columns;
    std::vector<FieldType> types;
};

ChangeSetWriter::ChangeSetWriter() : impl_(new Impl) {}
ChangeSetWriter::~ChangeSetWriter() {
    delete impl_;
}

void ChangeSetWriter::begin(const ChangeSet& header) {
    auto& s = *impl_;
    s.header.clear();
    s.ops.clear();
    s.bk_hashes.clear();
    s.parents.clear();
    s.rowversions.clear();
    s.data_hashes.clear();
    s.has_parents = !header.parent_entity.empty();
    s.columns.resize(header.schema.size());
    for (auto& c : s.columns) {
        c.clear();
    }
    s.types.clear();
    row_count_ = 0;
    ByteWriter w(s.header);
    w.bytes(header.stream_id);
    w.varint(header.sequence);
    w.bytes(header.entity);
    w.bytes(header.parent_entity);
    w.bytes(header.run_id);
    w.zigzag(header.created_at_us);
    w.varint(header.schema.size());
    for (const auto& field : header.schema) {
        w.bytes(field.name);
        w.u8(static_cast<std::uint8_t>(field.type));
        s.types.push_back(field.type);
    }
}

Status ChangeSetWriter::add_row(Op op, const Hash128& bk_hash, const Hash128& data_hash,
                                std::string_view rowversion, const Hash128* parent_bk_hash,
                                std::span<const Value> values) {
    auto& s = *impl_;
    if (op != Op::remove) {
        if (values.size() != s.types.size()) {
            return make_error(ErrorCode::invalid_argument,
                              "change set row has {} values for {} fields", values.size(),
                              s.types.size());
        }
        for (std::size_t i = 0; i < values.size(); ++i) {
            auto type = values[i].type();
            if (type && *type != s.types[i]) {
                return make_error(ErrorCode::invalid_argument,
                                  "change set value {} is {}, field declared {}", i,
                                  to_string(*type), to_string(s.types[i]));
            }
        }
    }
    s.ops.push_back(static_cast<char>(op));
    s.bk_hashes.append(reinterpret_cast<const char*>(bk_hash.bytes.data()), 16);
    if (s.has_parents) {
        if (parent_bk_hash != nullptr) {
            s.parents.push_back(1);
            s.parents.append(reinterpret_cast<const char*>(parent_bk_hash->bytes.data()), 16);
        } else {
            s.parents.push_back(0);
        }
    }
    ByteWriter(s.rowversions).bytes(rowversion);
    if (op != Op::remove) {
        s.data_hashes.append(reinterpret_cast<const char*>(data_hash.bytes.data()), 16);
        for (std::size_t i = 0; i < values.size(); ++i) {
            ByteWriter w(s.columns[i]);
            write_value(w, values[i]);
        }
    }
    ++row_count_;
    return ok();
}

std::size_t ChangeSetWriter::body_bytes() const {
    const auto& s = *impl_;
    std::size_t total = s.header.size() + s.ops.size() + s.bk_hashes.size() + s.parents.size() +
                        s.rowversions.size() + s.data_hashes.size();
    for (const auto& c : s.columns) {
        total += c.size();
    }
    return total;
}

Expected<std::string> ChangeSetWriter::finish(const EncodeOptions& options) {
    auto& s = *impl_;
    std::string body;
    body.reserve(body_bytes() + 16);
    body.append(s.header);
    ByteWriter w(body);
    w.varint(row_count_);
    body.append(s.ops);
    body.append(s.bk_hashes);
    w.u8(s.has_parents ? 1 : 0);
    body.append(s.parents);
    body.append(s.rowversions);
    body.append(s.data_hashes);
    for (const auto& c : s.columns) {
        body.append(c);
    }
    if (body.size() > UINT32_MAX) {
        return make_error(ErrorCode::limit_exceeded, "change set body of {} bytes is too large",
                          body.size());
    }

    std::string frame;
    ByteWriter f(frame);
    f.raw(kMagic);
    f.u8(kFormatVersion);
    f.u8(options.compress ? kFlagZstd : 0);
    f.u32le(static_cast<std::uint32_t>(body.size()));
    std::size_t payload_size_at = frame.size();
    f.u32le(0);
    f.u32le(body_checksum(body));
    if (options.compress) {
        thread_local EncoderContext ctx;
        std::size_t bound = ZSTD_compressBound(body.size());
        frame.resize(kEnvelopeSize + bound);
        std::size_t n = ZSTD_compressCCtx(ctx.cctx, frame.data() + kEnvelopeSize, bound,
                                          body.data(), body.size(), options.zstd_level);
        if (ZSTD_isError(n)) {
            return make_error(ErrorCode::internal, "zstd compression failed: {}",
                              ZSTD_getErrorName(n));
        }
        frame.resize(kEnvelopeSize + n);
    } else {
        frame.append(body);
    }
    std::uint32_t payload = static_cast<std::uint32_t>(frame.size() - kEnvelopeSize);
    for (int i = 0; i < 4; ++i) {
        frame[payload_size_at + static_cast<std::size_t>(i)] =
            static_cast<char>((payload >> (8 * i)) & 0xff);
    }
    return frame;
}

Expected<std::string> encode(const ChangeSet& set, const EncodeOptions& options) {
    ChangeSetWriter writer;
    writer.begin(set);
    for (const auto& row : set.rows) {
        const Hash128* parent = row.parent_bk_hash ? &*row.parent_bk_hash : nullptr;
        auto st =
            writer.add_row(row.op, row.bk_hash, row.data_hash, row.rowversion, parent, row.values);
        if (!st) {
            return std::move(st).error();
        }
    }
    return writer.finish(options);
}

Expected<Decoded> decode(std::string_view frame, const Limits& limits) {
    if (frame.size() > limits.max_frame_bytes) {
        return make_error(ErrorCode::limit_exceeded,
                          "change set frame of {} bytes is over the limit of {}", frame.size(),
                          limits.max_frame_bytes);
    }
    ByteReader r(frame);
    auto magic = r.raw("magic", 4);
    if (!magic) {
        return in_body(std::move(magic).error());
    }
    if (*magic != kMagic) {
        return make_error(ErrorCode::parse_error, "change set: not a change set frame (bad magic)");
    }
    auto version = r.u8("format version");
    auto flags = r.u8("flags");
    auto body_size = r.u32le("body size");
    auto payload_size = r.u32le("payload size");
    auto checksum = r.u32le("checksum");
    if (!checksum) {
        return in_body(std::move(checksum).error());
    }
    if (*version != kFormatVersion) {
        return make_error(ErrorCode::invalid_argument,
                          "change set: format version {} is not supported (this build reads {})",
                          *version, kFormatVersion);
    }
    if ((*flags & ~kFlagZstd) != 0) {
        return make_error(ErrorCode::parse_error, "change set: unknown flags 0x{:02x}", *flags);
    }
    if (*body_size > limits.max_body_bytes) {
        return make_error(ErrorCode::limit_exceeded,
                          "change set: body of {} bytes is over the limit of {}", *body_size,
                          limits.max_body_bytes);
    }
    if (*payload_size != r.remaining()) {
        return make_error(ErrorCode::parse_error,
                          "change set: payload is {} bytes but the envelope says {}", r.remaining(),
                          *payload_size);
    }
    std::string_view payload = frame.substr(kEnvelopeSize);
    std::string decompressed;
    std::string_view body;
    if ((*flags & kFlagZstd) != 0) {
        unsigned long long content = ZSTD_getFrameContentSize(payload.data(), payload.size());
        if (content == ZSTD_CONTENTSIZE_ERROR || content == ZSTD_CONTENTSIZE_UNKNOWN ||
            content != *body_size) {
            return make_error(ErrorCode::parse_error,
                              "change set: compressed payload does not declare the {} byte body",
                              *body_size);
        }
        thread_local DecoderContext ctx;
        decompressed.resize(*body_size);
        std::size_t n = ZSTD_decompressDCtx(ctx.dctx, decompressed.data(), decompressed.size(),
                                            payload.data(), payload.size());
        if (ZSTD_isError(n) || n != *body_size) {
            return make_error(ErrorCode::parse_error, "change set: zstd payload is corrupt: {}",
                              ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch");
        }
        body = decompressed;
    } else {
        if (payload.size() != *body_size) {
            return make_error(ErrorCode::parse_error,
                              "change set: body is {} bytes but the envelope says {}",
                              payload.size(), *body_size);
        }
        body = payload;
    }
    if (body_checksum(body) != *checksum) {
        return make_error(ErrorCode::parse_error, "change set: body checksum mismatch");
    }
    auto set = decode_body(body, limits);
    if (!set) {
        return in_body(std::move(set).error());
    }
    Decoded out;
    out.set = std::move(*set);
    out.content_digest = xxh3_128(body);
    out.body_bytes = body.size();
    return out;
}

}  // namespace cs::wire
