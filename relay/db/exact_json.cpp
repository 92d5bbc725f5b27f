#include "relay/db/exact_json.hpp"

#include <utility>

#include "common/base/error.hpp"

namespace cs::relay::db {
namespace {

using json = nlohmann::json;

// Builds the document from nlohmann's SAX events, keeping the text of every
// number the parser reports as floating point (fractions, exponents, integers
// past 64 bits).
class ExactSax {
public:
    explicit ExactSax(json& root) : root_(root) {}

    bool null() { return put(nullptr) != nullptr; }
    bool boolean(bool v) { return put(v) != nullptr; }
    bool number_integer(json::number_integer_t v) { return put(v) != nullptr; }
    bool number_unsigned(json::number_unsigned_t v) { return put(v) != nullptr; }
    bool number_float(json::number_float_t, const std::string& text) {
        return put(exact_number(text)) != nullptr;
    }
    bool string(std::string& v) { return put(std::move(v)) != nullptr; }
    bool binary(json::binary_t&) { return false; }
    bool start_object(std::size_t) { return open(json::object()); }
    bool key(std::string& k) {
        key_ = std::move(k);
        return true;
    }
    bool end_object() {
        stack_.pop_back();
        return true;
    }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_array() {
        stack_.pop_back();
        return true;
    }
    // Also numbers past a double's range (above about 1.8e308): nlohmann's
    // lexer converts every number as it reads it.
    bool parse_error(std::size_t position, const std::string&, const nlohmann::json::exception& e) {
        std::string reason = e.what();
        auto pos = reason.find("] ");
        error_ = "malformed JSON at byte " + std::to_string(position) + " (" +
                 (pos == std::string::npos ? reason : reason.substr(pos + 2)) + ")";
        return false;
    }

    const std::string& error() const { return error_; }

private:
    // Where the value went. Pointers to open containers stay valid: a parent
    // gets its next member only after the child on the stack is closed.
    json* put(json v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        json& top = *stack_.back();
        if (top.is_array()) {
            top.push_back(std::move(v));
            return &top.back();
        }
        json& slot = top[key_];
        slot = std::move(v);
        return &slot;
    }
    bool open(json container) {
        if (stack_.size() >= kMaxExactJsonDepth) {
            error_ = "JSON nested deeper than " + std::to_string(kMaxExactJsonDepth) + " levels";
            return false;
        }
        stack_.push_back(put(std::move(container)));
        return true;
    }

    json& root_;
    std::vector<json*> stack_;
    std::string key_;
    std::string error_;
};

bool has_exact_numbers(const json& v) {
    if (v.is_binary()) {
        return true;
    }
    if (v.is_structured()) {
        for (const auto& child : v) {
            if (has_exact_numbers(child)) {
                return true;
            }
        }
    }
    return false;
}

void write(const json& v, std::string& out) {
    constexpr auto kReplace = json::error_handler_t::replace;
    if (const auto* text = exact_number_text(v)) {
        out.append(text->begin(), text->end());
    } else if (v.is_object()) {
        out += '{';
        bool first = true;
        for (const auto& [k, member] : v.items()) {
            out += first ? "" : ",";
            first = false;
            out += json(k).dump(-1, ' ', false, kReplace);
            out += ':';
            write(member, out);
        }
        out += '}';
    } else if (v.is_array()) {
        out += '[';
        bool first = true;
        for (const auto& item : v) {
            out += first ? "" : ",";
            first = false;
            write(item, out);
        }
        out += ']';
    } else {
        out += v.dump(-1, ' ', false, kReplace);
    }
}

}  // namespace

json exact_number(std::string_view text) {
    return json::binary(std::vector<std::uint8_t>(text.begin(), text.end()), kExactNumberSubtype);
}

const std::vector<std::uint8_t>* exact_number_text(const json& value) {
    if (!value.is_binary()) {
        return nullptr;
    }
    const auto& binary = value.get_binary();
    if (!binary.has_subtype() || binary.subtype() != kExactNumberSubtype) {
        return nullptr;
    }
    return &binary;
}

Expected<json> parse_exact(std::string_view text, std::string_view what) {
    json root;
    ExactSax sax(root);
    if (!json::sax_parse(text.begin(), text.end(), &sax)) {
        return make_error(ErrorCode::internal, "{}: {}", what,
                          sax.error().empty() ? std::string("malformed JSON") : sax.error());
    }
    return root;
}

std::string dump_exact(const json& value) {
    if (!has_exact_numbers(value)) {
        return value.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    std::string out;
    write(value, out);
    return out;
}

}  // namespace cs::relay::db
