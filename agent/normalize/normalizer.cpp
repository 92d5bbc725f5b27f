#include "agent/normalize/normalizer.hpp"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "agent/normalize/coerce.hpp"
#include "agent/normalize/text_clean.hpp"
#include "agent/normalize/unicode.hpp"

namespace cs::agent {
namespace {

constexpr std::ptrdiff_t kMissing = -1;
constexpr std::ptrdiff_t kAmbiguous = -2;

bool inside(std::string_view view, const std::string& buffer) {
    // std::less gives a total order even for pointers into different objects.
    std::less<const char*> less;
    const char* begin = buffer.data();
    return !view.empty() && !less(view.data(), begin) && less(view.data(), begin + buffer.size());
}

// Exact name first; otherwise a unique match ignoring case and surrounding
// spaces ("Price " or "PRICE" in a header still finds "Price").
std::ptrdiff_t find_column(const std::vector<std::string>& columns, const std::string& name) {
    std::ptrdiff_t found = kMissing;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (columns[c] == name) {
            if (found != kMissing) {
                return kAmbiguous;
            }
            found = static_cast<std::ptrdiff_t>(c);
        }
    }
    if (found != kMissing) {
        return found;
    }
    std::string wanted = normalize::folded(normalize::trim_spaces(name));
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (normalize::folded(normalize::trim_spaces(columns[c])) == wanted) {
            if (found != kMissing) {
                return kAmbiguous;
            }
            found = static_cast<std::ptrdiff_t>(c);
        }
    }
    return found;
}

std::string quoted_list(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) {
        out += out.empty() ? "'" : ", '";
        out += item;
        out += "'";
    }
    return out.empty() ? "(none)" : out;
}

}  // namespace

Expected<Normalizer> Normalizer::bind(std::span<const FieldSpec> fields,
                                      const std::vector<std::string>& columns) {
    Normalizer n;
    n.fields_.assign(fields.begin(), fields.end());
    n.slots_.resize(n.fields_.size());
    std::vector<std::string> missing_required;
    for (std::size_t i = 0; i < n.fields_.size(); ++i) {
        const FieldSpec& spec = n.fields_[i];
        Slot& slot = n.slots_[i];
        slot.zone = normalize::ZoneConverter(spec.dates.zone);
        // Values to be parsed are always trimmed; only strings may keep spaces.
        slot.strings = spec.strings;
        slot.strings.trim = spec.strings.trim || spec.type != FieldType::string;
        if (spec.type == FieldType::boolean) {
            auto has_empty = [](const std::vector<std::string>& words) {
                return std::find(words.begin(), words.end(), "") != words.end();
            };
            if (has_empty(spec.booleans.true_words)) {
                slot.empty_boolean = true;
            } else if (has_empty(spec.booleans.false_words)) {
                slot.empty_boolean = false;
            }
        }
        if (spec.constant) {
            continue;
        }
        slot.column = find_column(columns, spec.from);
        if (slot.column == kAmbiguous) {
            return make_error(ErrorCode::invalid_argument,
                              "field '{}': more than one column matches '{}'; columns found: {}",
                              spec.name, spec.from, quoted_list(columns));
        }
        if (slot.column == kMissing) {
            std::string what = fmt::format("'{}' (field {})", spec.from, spec.name);
            if (spec.required && !spec.default_value) {
                missing_required.push_back(std::move(what));
            } else {
                n.missing_.push_back(std::move(what));
            }
        }
    }
    if (!missing_required.empty()) {
        std::string list;
        for (const std::string& m : missing_required) {
            list += list.empty() ? "" : ", ";
            list += m;
        }
        return make_error(
            ErrorCode::not_found,
            "the source lacks the column{} of required field{}: {}; columns found: {}",
            missing_required.size() == 1 ? "" : "s", missing_required.size() == 1 ? "" : "s", list,
            quoted_list(columns));
    }
    return n;
}

bool Normalizer::normalize(std::span<const RawCell> cells, std::vector<Value>& out,
                           RowError& error) {
    out.resize(fields_.size());
    for (std::size_t i = 0; i < fields_.size(); ++i) {
        if (!normalize_field(i, cells, out[i], error)) {
            return false;
        }
    }
    return true;
}

bool Normalizer::normalize_field(std::size_t index, std::span<const RawCell> cells, Value& out,
                                 RowError& error) {
    const FieldSpec& spec = fields_[index];
    Slot& slot = slots_[index];
    if (spec.constant) {
        out = *spec.constant;
        return true;
    }
    RawCell cell;
    if (slot.column >= 0 && static_cast<std::size_t>(slot.column) < cells.size()) {
        cell = cells[static_cast<std::size_t>(slot.column)];
    }
    std::string_view text = cell.text;
    bool null = cell.kind == CellKind::empty;
    if (!null && cell.kind == CellKind::text) {
        text = normalize::clean_text(text, slot.strings, scratch_[0]);
    }
    bool keep_empty = spec.type == FieldType::string && !spec.strings.empty_as_null;
    null = null || (text.empty() && !keep_empty);
    if (!null && !spec.transforms.empty()) {
        for (const normalize::Transform& transform : spec.transforms) {
            std::string& buffer = inside(text, scratch_[0]) ? scratch_[1] : scratch_[0];
            text = normalize::apply_transform(transform, text, buffer);
        }
        null = text.empty() && !keep_empty;
    }
    if (!null && !spec.map.empty()) {
        if (const Value* target = spec.map.find(text)) {
            if (!target->is_null()) {
                out = *target;
                return true;
            }
            null = true;  // mapped to null on purpose: defaults and required still apply
        } else if (spec.map.strict()) {
            return fail(index, "map",
                        fmt::format("'{}' is not in the value map (map_strict)", text), cell.text,
                        error);
        }
    }
    if (null) {
        if (slot.empty_boolean) {
            out = Value(*slot.empty_boolean);
        } else if (spec.default_value) {
            out = *spec.default_value;
        } else if (spec.required) {
            return fail(index, "validate", "a value is required", cell.text, error);
        } else {
            out = Value::null();
        }
        return true;
    }
    if (!normalize::coerce(spec, cell.kind, text, slot.zone, out, why_)) {
        return fail(index, "normalize", std::move(why_), cell.text, error);
    }
    if (spec.max_length) {
        std::size_t length = normalize::count_code_points(text);
        if (length > *spec.max_length) {
            return fail(index, "validate",
                        fmt::format("is {} characters long, more than max_length {}", length,
                                    *spec.max_length),
                        cell.text, error);
        }
    }
    return true;
}

bool Normalizer::fail(std::size_t index, std::string_view stage, std::string message,
                      std::string_view raw, RowError& error) const {
    error.stage = std::string(stage);
    error.field = fields_[index].name;
    error.message = std::move(message);
    error.value = std::string(raw);
    return false;
}

}  // namespace cs::agent
