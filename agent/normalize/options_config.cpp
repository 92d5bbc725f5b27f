#include "agent/normalize/options_config.hpp"

#include <algorithm>

#include "agent/normalize/field_spec.hpp"
#include "agent/normalize/time_zone.hpp"
#include "agent/normalize/unicode.hpp"
#include "common/config/reader.hpp"

namespace cs::agent::normalize {
namespace {

Status read_flag(const config::Reader& r, std::string_view key, bool& flag) {
    auto value = r.boolean_or(key, flag);
    if (!value) {
        return value.error();
    }
    flag = *value;
    return ok();
}

Status read_words(const config::Reader& r, std::string_view key, std::vector<std::string>& words) {
    if (!r.has(key)) {
        return ok();
    }
    auto list = r.string_list_or(key, {});
    if (!list) {
        return list.error();
    }
    words.clear();
    for (const std::string& word : *list) {
        std::string lowered = folded(trim_spaces(word));
        if (lowered.size() > kMaxBooleanWord) {
            return r.error(key, fmt::format("'{}' is longer than {} bytes", word, kMaxBooleanWord));
        }
        words.push_back(std::move(lowered));
    }
    return ok();
}

}  // namespace

Status read_string_options(const config::Reader& r, StringOptions& o) {
    for (auto [key, flag] : {std::pair<std::string_view, bool*>{"trim", &o.trim},
                             {"strip_control", &o.strip_control},
                             {"unify_newlines", &o.unify_newlines},
                             {"empty_as_null", &o.empty_as_null},
                             {"collapse_spaces", &o.collapse_spaces}}) {
        if (auto s = read_flag(r, key, *flag); !s) {
            return s;
        }
    }
    return ok();
}

Status read_number_options(const config::Reader& r, NumberOptions& o) {
    for (auto [key, flag] : {std::pair<std::string_view, bool*>{"decimal_comma", &o.decimal_comma},
                             {"currency_symbols", &o.currency_symbols},
                             {"parentheses_negative", &o.parentheses_negative},
                             {"trailing_minus", &o.trailing_minus},
                             {"thousands_separators", &o.thousands_separators}}) {
        if (auto s = read_flag(r, key, *flag); !s) {
            return s;
        }
    }
    return ok();
}

Status read_date_options(const config::Reader& r, DateOptions& o, bool& formats_given) {
    formats_given = false;
    if (r.has("formats")) {
        auto patterns = r.string_list_or("formats", {});
        if (!patterns) {
            return patterns.error();
        }
        if (patterns->empty()) {
            return r.error("formats", "must list at least one format (omit it for the defaults)");
        }
        bool single = r.json().at("formats").is_string();
        o.formats.clear();
        for (std::size_t i = 0; i < patterns->size(); ++i) {
            auto format = parse::DateFormat::compile((*patterns)[i]);
            if (!format) {
                std::string pointer = r.pointer() + "/formats";
                if (!single) {
                    pointer += "/" + std::to_string(i);
                }
                return r.document().error_at(pointer, format.error().message);
            }
            o.formats.push_back(std::move(format).value());
        }
        formats_given = true;
    }
    if (auto s = read_flag(r, "day_first", o.day_first); !s) {
        return s;
    }
    if (auto s = read_flag(r, "excel_serial", o.excel_serial); !s) {
        return s;
    }
    if (r.has("timezone")) {
        auto name = r.string("timezone");
        if (!name) {
            return name.error();
        }
        auto zone = find_zone(*name);
        if (!zone) {
            return r.error("timezone", zone.error().message);
        }
        o.timezone = *name;
        o.zone = *zone;
    }
    return ok();
}

Status read_boolean_options(const config::Reader& r, BooleanOptions& o) {
    if (auto s = read_words(r, "true", o.true_words); !s) {
        return s;
    }
    if (auto s = read_words(r, "false", o.false_words); !s) {
        return s;
    }
    for (const std::string& word : o.true_words) {
        if (std::find(o.false_words.begin(), o.false_words.end(), word) != o.false_words.end()) {
            return r.error(r.has("false") ? "false" : "true",
                           fmt::format("'{}' is both a true and a false word", word));
        }
    }
    return ok();
}

}  // namespace cs::agent::normalize

namespace cs::agent {

Expected<NormalizeDefaults> parse_normalize_defaults(const config::Reader& entity) {
    NormalizeDefaults defaults;
    if (!entity.has("normalize")) {
        return defaults;
    }
    auto section = entity.object("normalize");
    if (!section) {
        return section.error();
    }
    if (auto s = section->allow_only({"strings", "numbers", "dates", "booleans"}); !s) {
        return s.error();
    }
    auto group = [&](std::string_view key, std::initializer_list<std::string_view> keys,
                     auto read) -> Status {
        if (!section->has(key)) {
            return ok();
        }
        auto r = section->object(key);
        if (!r) {
            return r.error();
        }
        if (auto s = r->allow_only(keys); !s) {
            return s;
        }
        return read(*r);
    };
    Status s = group(
        "strings", {"trim", "strip_control", "unify_newlines", "empty_as_null", "collapse_spaces"},
        [&](const config::Reader& r) {
            return normalize::read_string_options(r, defaults.strings);
        });
    if (s) {
        s = group("numbers",
                  {"decimal_comma", "currency_symbols", "parentheses_negative", "trailing_minus",
                   "thousands_separators"},
                  [&](const config::Reader& r) {
                      return normalize::read_number_options(r, defaults.numbers);
                  });
    }
    if (s) {
        s = group("dates", {"formats", "day_first", "excel_serial", "timezone"},
                  [&](const config::Reader& r) {
                      bool given = false;
                      return normalize::read_date_options(r, defaults.dates, given);
                  });
    }
    if (s) {
        s = group("booleans", {"true", "false"}, [&](const config::Reader& r) {
            return normalize::read_boolean_options(r, defaults.booleans);
        });
    }
    if (!s) {
        return s.error();
    }
    return defaults;
}

}  // namespace cs::agent
