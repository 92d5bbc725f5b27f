#include "agent/source/odata/read_cursor.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "agent/source/odata/odata_url.hpp"

namespace cs::agent::odata {
namespace {

constexpr int kVersion = 1;

std::string_view kind_name(CellKind kind) {
    switch (kind) {
        case CellKind::text:
            return "text";
        case CellKind::number:
            return "number";
        default:
            return "other";
    }
}

Expected<std::string> literal(const std::string& column, const KeyValue& value) {
    switch (value.kind) {
        case CellKind::text:
            return quote_literal(value.text);
        case CellKind::number:
            return value.text;
        default:
            return make_error(ErrorCode::invalid_argument,
                              "key column {} holds a value that is neither text nor a number: a "
                              "read cannot resume after it",
                              column);
    }
}

}  // namespace

std::string encode_cursor(const ReadCursor& cursor) {
    nlohmann::json after = nlohmann::json::array();
    for (const auto& v : cursor.after) {
        after.push_back({{"kind", kind_name(v.kind)}, {"value", v.text}});
    }
    nlohmann::json j = {{"version", kVersion},
                        {"shape", cursor.shape},
                        {"after", std::move(after)},
                        {"started_at", cursor.started_at}};
    if (cursor.max_modified) {
        j["max_modified"] = *cursor.max_modified;
    }
    return j.dump();
}

Expected<ReadCursor> decode_cursor(std::string_view text) {
    try {
        auto j = nlohmann::json::parse(text);
        if (j.at("version").get<int>() != kVersion) {
            return make_error(ErrorCode::parse_error, "cursor version {} is not supported",
                              j.at("version").get<int>());
        }
        ReadCursor c;
        c.shape = j.at("shape").get<std::string>();
        c.started_at = j.at("started_at").get<std::int64_t>();
        if (j.contains("max_modified")) {
            c.max_modified = j["max_modified"].get<std::int64_t>();
        }
        for (const auto& v : j.at("after")) {
            auto kind = v.at("kind").get<std::string>();
            c.after.push_back({kind == "text"     ? CellKind::text
                               : kind == "number" ? CellKind::number
                                                  : CellKind::empty,
                               v.at("value").get<std::string>()});
        }
        return c;
    } catch (const std::exception& e) {
        return make_error(ErrorCode::parse_error, "unreadable cursor: {}", e.what());
    }
}

Expected<std::string> after_key_filter(const std::vector<std::string>& columns,
                                       const std::vector<KeyValue>& after) {
    if (columns.empty() || after.size() != columns.size()) {
        return make_error(ErrorCode::invalid_argument,
                          "the cursor has {} key values for {} key columns", after.size(),
                          columns.size());
    }
    std::vector<std::string> literals;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        auto l = literal(columns[i], after[i]);
        if (!l) {
            return std::move(l).error();
        }
        literals.push_back(std::move(*l));
    }
    if (columns.size() == 1) {
        return fmt::format("{} gt {}", columns[0], literals[0]);
    }
    // Lexicographic "after": equal on a prefix, greater on the next column.
    std::vector<std::string> terms;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        std::string term;
        for (std::size_t k = 0; k < i; ++k) {
            term += fmt::format("{} eq {} and ", columns[k], literals[k]);
        }
        term += fmt::format("{} gt {}", columns[i], literals[i]);
        terms.push_back("(" + term + ")");
    }
    return fmt::format("{}", fmt::join(terms, " or "));
}

}  // namespace cs::agent::odata
