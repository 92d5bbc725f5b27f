#include "agent/normalize/transform.hpp"

#include <array>

#include "agent/normalize/unicode.hpp"
#include "common/config/reader.hpp"

namespace cs::agent::normalize {
namespace {

constexpr std::string_view kKnown =
    "trim, upper, lower, collapse_spaces, strip_leading_zeros, {\"pad_left\": N, \"char\": "
    "\"0\"}, {\"pad_right\": N, \"char\": \" \"}, {\"replace\": \"a\", \"with\": \"b\"}, "
    "{\"truncate\": N}";

constexpr std::array<std::pair<std::string_view, TransformKind>, 5> kSimple = {{
    {"trim", TransformKind::trim},
    {"upper", TransformKind::upper},
    {"lower", TransformKind::lower},
    {"collapse_spaces", TransformKind::collapse_spaces},
    {"strip_leading_zeros", TransformKind::strip_leading_zeros},
}};

constexpr std::size_t kMaxLength = 1'000'000;

Expected<Transform> parse_pad(const config::Reader& r, std::string_view key, TransformKind kind) {
    if (auto s = r.allow_only({key, "char"}); !s) {
        return s.error();
    }
    auto width = r.integer(key, 1, 10'000);
    auto pad = r.string_or("char", " ");
    if (!width) {
        return width.error();
    }
    if (!pad) {
        return pad.error();
    }
    if (count_code_points(*pad) != 1) {
        return r.error("char", "must be exactly one character");
    }
    return Transform{kind, static_cast<std::size_t>(*width), *pad, {}};
}

std::string_view collapse(std::string_view in, std::string& out) {
    bool needed = false;
    for (std::size_t i = 0; i + 1 < in.size() && !needed; ++i) {
        needed = (in[i] == ' ' || in[i] == '\t') && (in[i + 1] == ' ' || in[i + 1] == '\t');
    }
    if (!needed && in.find('\t') == std::string_view::npos) {
        return in;
    }
    out.clear();
    for (char c : in) {
        bool space = c == ' ' || c == '\t';
        if (!space) {
            out.push_back(c);
        } else if (out.empty() || out.back() != ' ') {
            out.push_back(' ');
        }
    }
    return out;
}

std::string_view strip_leading_zeros(std::string_view in) {
    // Keeps the zero of "0" and of "0.5" / "0,5": the transform is for
    // identifiers, and must not turn a number into something else.
    std::size_t i = 0;
    while (i + 1 < in.size() && in[i] == '0' && in[i + 1] != '.' && in[i + 1] != ',') {
        ++i;
    }
    return in.substr(i);
}

std::string_view pad(const Transform& t, std::string_view in, std::string& out) {
    std::size_t have = count_code_points(in);
    if (have >= t.length) {
        return in;
    }
    out.clear();
    if (t.kind == TransformKind::pad_right) {
        out.append(in);
    }
    for (std::size_t i = have; i < t.length; ++i) {
        out.append(t.text);
    }
    if (t.kind == TransformKind::pad_left) {
        out.append(in);
    }
    return out;
}

std::string_view replace(const Transform& t, std::string_view in, std::string& out) {
    std::size_t hit = in.find(t.text);
    if (hit == std::string_view::npos) {
        return in;
    }
    out.clear();
    std::size_t from = 0;
    while (hit != std::string_view::npos) {
        out.append(in.substr(from, hit - from));
        out.append(t.replacement);
        from = hit + t.text.size();
        hit = in.find(t.text, from);
    }
    out.append(in.substr(from));
    return out;
}

}  // namespace

Expected<Transform> parse_transform(const config::Reader& field, std::size_t index) {
    std::string pointer = field.pointer() + "/transforms/" + std::to_string(index);
    const auto& node = field.json().at("transforms").at(index);
    const config::Document& doc = field.document();
    if (node.is_string()) {
        auto name = node.get<std::string>();
        for (const auto& [known, kind] : kSimple) {
            if (name == known) {
                return Transform{kind, 0, {}, {}};
            }
        }
        return doc.error_at(
            pointer, fmt::format("unknown transform '{}' (expected one of: {})", name, kKnown));
    }
    if (!node.is_object()) {
        return doc.error_at(pointer, "expected a transform name or object");
    }
    config::Reader r(doc, pointer);
    if (r.has("pad_left")) {
        return parse_pad(r, "pad_left", TransformKind::pad_left);
    }
    if (r.has("pad_right")) {
        return parse_pad(r, "pad_right", TransformKind::pad_right);
    }
    if (r.has("replace")) {
        if (auto s = r.allow_only({"replace", "with"}); !s) {
            return s.error();
        }
        auto from = r.string("replace");
        auto with = r.string_or("with", "");
        if (!from) {
            return from.error();
        }
        if (!with) {
            return with.error();
        }
        if (from->empty()) {
            return r.error("replace", "must not be empty");
        }
        return Transform{TransformKind::replace, 0, *from, *with};
    }
    if (r.has("truncate")) {
        if (auto s = r.allow_only({"truncate"}); !s) {
            return s.error();
        }
        auto length = r.integer("truncate", 1, static_cast<std::int64_t>(kMaxLength));
        if (!length) {
            return length.error();
        }
        return Transform{TransformKind::truncate, static_cast<std::size_t>(*length), {}, {}};
    }
    return doc.error_at(pointer, fmt::format("unknown transform (expected one of: {})", kKnown));
}

std::string_view apply_transform(const Transform& t, std::string_view in, std::string& out) {
    switch (t.kind) {
        case TransformKind::trim:
            return trim_spaces(in);
        case TransformKind::upper:
        case TransformKind::lower:
            out.resize(in.size());
            if (t.kind == TransformKind::upper) {
                upper_into(in, out.data());
            } else {
                lower_into(in, out.data());
            }
            return out;
        case TransformKind::collapse_spaces:
            return collapse(in, out);
        case TransformKind::strip_leading_zeros:
            return strip_leading_zeros(in);
        case TransformKind::pad_left:
        case TransformKind::pad_right:
            return pad(t, in, out);
        case TransformKind::replace:
            return replace(t, in, out);
        case TransformKind::truncate:
            return in.substr(0, prefix_bytes(in, t.length));
    }
    return in;
}

}  // namespace cs::agent::normalize
