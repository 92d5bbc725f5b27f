#include "common/config/reader.hpp"

#include <charconv>
#include <cmath>

namespace cs::config {
namespace {

std::string escape_token(std::string_view token) {
    std::string out;
    for (char c : token) {
        out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    }
    return out;
}

std::string_view json_type_name(const nlohmann::json& j) {
    switch (j.type()) {
        case nlohmann::json::value_t::null:
            return "null";
        case nlohmann::json::value_t::object:
            return "an object";
        case nlohmann::json::value_t::array:
            return "an array";
        case nlohmann::json::value_t::string:
            return "a string";
        case nlohmann::json::value_t::boolean:
            return "a boolean";
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned:
        case nlohmann::json::value_t::number_float:
            return "a number";
        default:
            return "an unsupported value";
    }
}

}  // namespace

Expected<std::chrono::milliseconds> parse_duration(std::string_view text) {
    double amount = 0;
    std::size_t i = 0;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.')) {
        ++i;
    }
    std::string number(text.substr(0, i));
    std::string_view unit = text.substr(i);
    char* end = nullptr;
    amount = number.empty() ? -1 : std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || amount < 0) {
        return make_error(ErrorCode::invalid_argument,
                          "'{}' is not a duration (use e.g. 250ms, 90s, 10m, 2h, 1d)", text);
    }
    double factor = 0;
    if (unit.empty() || unit == "s") {
        factor = 1000;
    } else if (unit == "ms") {
        factor = 1;
    } else if (unit == "m") {
        factor = 60'000;
    } else if (unit == "h") {
        factor = 3'600'000;
    } else if (unit == "d") {
        factor = 86'400'000;
    } else {
        return make_error(ErrorCode::invalid_argument,
                          "'{}' has an unknown duration unit '{}' (ms, s, m, h or d)", text, unit);
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(amount * factor)));
}

Reader::Reader(const Document& doc, std::string pointer)
    : doc_(&doc), pointer_(std::move(pointer)) {
    node_ = &doc.root().at(nlohmann::json::json_pointer(pointer_));
}

Reader::Reader(const Document& doc, std::string pointer, const nlohmann::json* node)
    : doc_(&doc), pointer_(std::move(pointer)), node_(node) {}

std::string Reader::child_pointer(std::string_view key) const {
    return pointer_ + "/" + escape_token(key);
}

const nlohmann::json* Reader::find(std::string_view key) const {
    if (!node_->is_object()) {
        return nullptr;
    }
    auto it = node_->find(key);
    return it == node_->end() ? nullptr : &*it;
}

bool Reader::has(std::string_view key) const {
    auto* v = find(key);
    return v != nullptr && !v->is_null();
}

Error Reader::error(std::string_view key, std::string_view why) const {
    return doc_->error_at(child_pointer(key), why);
}

Error Reader::error_here(std::string_view why) const {
    return doc_->error_at(pointer_, why);
}

Expected<std::string> Reader::string(std::string_view key) const {
    auto* v = find(key);
    if (v == nullptr || v->is_null()) {
        return error(key, "is required");
    }
    if (!v->is_string()) {
        return error(key, fmt::format("expected a string, found {}", json_type_name(*v)));
    }
    return v->get<std::string>();
}

Expected<std::string> Reader::string_or(std::string_view key, std::string fallback) const {
    if (!has(key)) {
        return fallback;
    }
    return string(key);
}

Expected<std::int64_t> Reader::integer(std::string_view key, std::int64_t min,
                                       std::int64_t max) const {
    auto* v = find(key);
    if (v == nullptr || v->is_null()) {
        return error(key, "is required");
    }
    if (!v->is_number_integer()) {
        return error(key, fmt::format("expected a whole number, found {}", json_type_name(*v)));
    }
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        return error(key, fmt::format("{} is outside {}..{}", v->get<std::uint64_t>(), min, max));
    }
    auto n = v->get<std::int64_t>();
    if (n < min || n > max) {
        return error(key, fmt::format("{} is outside {}..{}", n, min, max));
    }
    return n;
}

Expected<std::int64_t> Reader::integer_or(std::string_view key, std::int64_t fallback,
                                          std::int64_t min, std::int64_t max) const {
    if (!has(key)) {
        return fallback;
    }
    return integer(key, min, max);
}

Expected<double> Reader::number_or(std::string_view key, double fallback, double min,
                                   double max) const {
    if (!has(key)) {
        return fallback;
    }
    auto* v = find(key);
    if (!v->is_number()) {
        return error(key, fmt::format("expected a number, found {}", json_type_name(*v)));
    }
    double n = v->get<double>();
    if (!(n >= min && n <= max)) {
        return error(key, fmt::format("{} is outside {}..{}", n, min, max));
    }
    return n;
}

Expected<bool> Reader::boolean_or(std::string_view key, bool fallback) const {
    if (!has(key)) {
        return fallback;
    }
    auto* v = find(key);
    if (!v->is_boolean()) {
        return error(key, fmt::format("expected true or false, found {}", json_type_name(*v)));
    }
    return v->get<bool>();
}

Expected<std::chrono::milliseconds> Reader::duration_or(std::string_view key,
                                                        std::chrono::milliseconds fallback) const {
    if (!has(key)) {
        return fallback;
    }
    auto* v = find(key);
    if (v->is_number_unsigned() || (v->is_number_integer() && v->get<std::int64_t>() >= 0)) {
        return std::chrono::milliseconds(v->get<std::int64_t>() * 1000);
    }
    if (!v->is_string()) {
        return error(
            key, fmt::format("expected a duration such as \"10m\", found {}", json_type_name(*v)));
    }
    auto d = parse_duration(v->get<std::string>());
    if (!d) {
        return error(key, d.error().message);
    }
    return *d;
}

Expected<std::vector<std::string>> Reader::string_list_or(std::string_view key,
                                                          std::vector<std::string> fallback) const {
    if (!has(key)) {
        return fallback;
    }
    auto* v = find(key);
    if (v->is_string()) {
        return std::vector<std::string>{v->get<std::string>()};
    }
    if (!v->is_array()) {
        return error(key, fmt::format("expected a list of strings, found {}", json_type_name(*v)));
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v->size(); ++i) {
        if (!(*v)[i].is_string()) {
            return doc_->error_at(child_pointer(key) + "/" + std::to_string(i),
                                  "expected a string");
        }
        out.push_back((*v)[i].get<std::string>());
    }
    return out;
}

Expected<Reader> Reader::object(std::string_view key) const {
    auto* v = find(key);
    if (v == nullptr || v->is_null()) {
        return error(key, "is required");
    }
    if (!v->is_object()) {
        return error(key, fmt::format("expected an object, found {}", json_type_name(*v)));
    }
    return Reader(*doc_, child_pointer(key), v);
}

std::optional<Reader> Reader::optional_object(std::string_view key) const {
    auto* v = find(key);
    if (v == nullptr || !v->is_object()) {
        return std::nullopt;
    }
    return Reader(*doc_, child_pointer(key), v);
}

Expected<std::vector<Reader>> Reader::objects(std::string_view key) const {
    auto* v = find(key);
    std::vector<Reader> out;
    if (v == nullptr || v->is_null()) {
        return out;
    }
    if (!v->is_array()) {
        return error(key, fmt::format("expected a list, found {}", json_type_name(*v)));
    }
    for (std::size_t i = 0; i < v->size(); ++i) {
        std::string p = child_pointer(key) + "/" + std::to_string(i);
        if (!(*v)[i].is_object()) {
            return doc_->error_at(
                p, fmt::format("expected an object, found {}", json_type_name((*v)[i])));
        }
        out.push_back(Reader(*doc_, p, &(*v)[i]));
    }
    return out;
}

std::vector<std::pair<std::string, Reader>> Reader::members() const {
    std::vector<std::pair<std::string, Reader>> out;
    if (!node_->is_object()) {
        return out;
    }
    for (auto it = node_->begin(); it != node_->end(); ++it) {
        out.emplace_back(it.key(), Reader(*doc_, child_pointer(it.key()), &it.value()));
    }
    return out;
}

Status Reader::allow_only(std::initializer_list<std::string_view> known) const {
    if (!node_->is_object()) {
        return error_here(fmt::format("expected an object, found {}", json_type_name(*node_)));
    }
    for (auto it = node_->begin(); it != node_->end(); ++it) {
        bool found = false;
        for (auto k : known) {
            if (k == it.key()) {
                found = true;
                break;
            }
        }
        if (!found) {
            std::string list;
            for (auto k : known) {
                list += list.empty() ? "" : ", ";
                list += k;
            }
            return error(it.key(), fmt::format("unknown key (expected one of: {})", list));
        }
    }
    return ok();
}

}  // namespace cs::config
