#include "common/hash/canonical.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace cs {
namespace {

// Tags identify the value's type in the encoding; 0 is null.
constexpr char kTagNull = 0x00;

void append_u32(std::string& out, std::uint32_t v) {
    char bytes[4];
    for (int i = 0; i < 4; ++i) {
        bytes[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
    out.append(bytes, 4);
}

void append_u64(std::string& out, std::uint64_t v) {
    char bytes[8];
    for (int i = 0; i < 8; ++i) {
        bytes[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
    out.append(bytes, 8);
}

void append_bytes(std::string& out, std::string_view bytes) {
    append_u32(out, static_cast<std::uint32_t>(bytes.size()));
    out.append(bytes);
}

void encode_fields(std::string& out, std::string_view domain,
                   std::span<const NamedValue> sorted_fields) {
    out.clear();
    append_bytes(out, domain);
    append_u32(out, static_cast<std::uint32_t>(sorted_fields.size()));
    for (const auto& field : sorted_fields) {
        append_bytes(out, field.name);
        append_canonical(out, *field.value);
    }
}

bool name_less(const NamedValue& a, const NamedValue& b) {
    return a.name < b.name;
}

}  // namespace

void append_canonical(std::string& out, const Value& value) {
    auto type = value.type();
    if (!type) {
        out.push_back(kTagNull);
        return;
    }
    out.push_back(static_cast<char>(*type));
    switch (*type) {
        case FieldType::string:
            append_bytes(out, value.as_string());
            break;
        case FieldType::decimal:
            append_bytes(out, value.as_decimal().normalized().to_string());
            break;
        case FieldType::integer:
            append_u64(out, static_cast<std::uint64_t>(value.as_integer()));
            break;
        case FieldType::boolean:
            out.push_back(value.as_boolean() ? 1 : 0);
            break;
        case FieldType::date:
            append_u32(out, static_cast<std::uint32_t>(value.as_date().days));
            break;
        case FieldType::timestamp:
            append_u64(out, static_cast<std::uint64_t>(value.as_timestamp().micros));
            break;
    }
}

std::string canonical_record(std::string_view domain, std::span<const NamedValue> fields) {
    std::vector<NamedValue> sorted(fields.begin(), fields.end());
    std::sort(sorted.begin(), sorted.end(), name_less);
    std::string out;
    encode_fields(out, domain, sorted);
    return out;
}

Hash128 bk_hash(std::span<const NamedValue> key_fields) {
    return xxh3_128(canonical_record(kBusinessKeyDomain, key_fields));
}

Hash128 data_hash(std::span<const NamedValue> fields) {
    return xxh3_128(canonical_record(kDataDomain, fields));
}

Hash128 RecordHasher::hash(std::string_view domain, std::span<const NamedValue> fields) {
    sorted_.assign(fields.begin(), fields.end());
    std::sort(sorted_.begin(), sorted_.end(), name_less);
    return hash_sorted(domain, sorted_);
}

Hash128 RecordHasher::hash_sorted(std::string_view domain,
                                  std::span<const NamedValue> sorted_fields) {
    encode_fields(buffer_, domain, sorted_fields);
    return xxh3_128(buffer_);
}

}  // namespace cs
