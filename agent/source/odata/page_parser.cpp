#include "agent/source/odata/page_parser.hpp"

#include <fmt/format.h>
#include <simdjson.h>

namespace cs::agent::odata {
namespace {

namespace od = simdjson::ondemand;

std::string_view trim_right(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' ||
                             text.back() == '\t' || text.back() == ',')) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace

struct PageParser::Impl {
    od::parser parser;
    std::vector<RawCell> cells;
    std::vector<std::size_t> position_hint;  // column last seen at each property position
};

PageParser::PageParser(std::vector<std::string> columns)
    : columns_(std::move(columns)), impl_(std::make_unique<Impl>()) {
    impl_->cells.resize(columns_.size());
}

PageParser::~PageParser() = default;
PageParser::PageParser(PageParser&&) noexcept = default;
PageParser& PageParser::operator=(PageParser&&) noexcept = default;

std::optional<std::size_t> PageParser::column_index(std::string_view name) const {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (columns_[i] == name) {
            return i;
        }
    }
    return std::nullopt;
}

Expected<PageInfo> PageParser::parse(std::string& body, RawBatch& batch, std::uint64_t page,
                                     std::uint64_t first_record) {
    PageInfo info;
    std::size_t size = body.size();
    body.resize(size + simdjson::SIMDJSON_PADDING, ' ');
    auto fail = [&](std::string_view where, simdjson::error_code code) -> Error {
        return Error{ErrorCode::parse_error,
                     fmt::format("page {} is not a complete OData JSON answer ({}: {})", page,
                                 where, simdjson::error_message(code))};
    };
    od::document doc;
    if (auto code = impl_->parser.iterate(body.data(), size, body.size()).get(doc); code) {
        body.resize(size);
        return fail("document", code);
    }
    od::object root;
    if (auto code = doc.get_object().get(root); code) {
        body.resize(size);
        return fail("top level", code);
    }
    bool saw_value = false;
    auto& cells = impl_->cells;
    auto& hints = impl_->position_hint;
    for (auto member : root) {
        std::string_view key;
        if (auto code = member.unescaped_key().get(key); code) {
            body.resize(size);
            return fail("property name", code);
        }
        od::value value;
        if (auto code = member.value().get(value); code) {
            body.resize(size);
            return fail(key, code);
        }
        if (key == "@odata.nextLink") {
            std::string_view link;
            if (auto code = value.get_string().get(link); code) {
                body.resize(size);
                return fail(key, code);
            }
            info.next_link = std::string(link);
        } else if (key == "@odata.count") {
            std::int64_t count = 0;
            if (auto code = value.get_int64().get(count); code) {
                body.resize(size);
                return fail(key, code);
            }
            info.count = count;
        } else if (key == "value") {
            saw_value = true;
            od::array rows;
            if (auto code = value.get_array().get(rows); code) {
                body.resize(size);
                return fail(key, code);
            }
            for (auto element : rows) {
                od::object row;
                std::string_view raw;
                if (auto code = element.get_object().get(row); code) {
                    body.resize(size);
                    return fail("value[]", code);
                }
                if (auto code = row.raw_json().get(raw); code) {
                    body.resize(size);
                    return fail("value[]", code);
                }
                if (auto code = row.reset().error(); code) {
                    body.resize(size);
                    return fail("value[]", code);
                }
                for (auto& cell : cells) {
                    cell = RawCell{};
                }
                std::size_t position = 0;
                for (auto field : row) {
                    std::string_view name;
                    if (auto code = field.unescaped_key().get(name); code) {
                        body.resize(size);
                        return fail("value[] property", code);
                    }
                    std::optional<std::size_t> column;
                    if (position < hints.size() && hints[position] < columns_.size() &&
                        columns_[hints[position]] == name) {
                        column = hints[position];
                    } else {
                        column = column_index(name);
                        if (hints.size() <= position) {
                            hints.resize(position + 1, SIZE_MAX);
                        }
                        hints[position] = column.value_or(SIZE_MAX);
                    }
                    ++position;
                    od::value v;
                    if (auto code = field.value().get(v); code) {
                        body.resize(size);
                        return fail(name, code);
                    }
                    if (!column) {
                        continue;  // not selected (a server that ignores $select, @odata.etag)
                    }
                    od::json_type type;
                    if (auto code = v.type().get(type); code) {
                        body.resize(size);
                        return fail(name, code);
                    }
                    RawCell& cell = cells[*column];
                    simdjson::error_code code = simdjson::SUCCESS;
                    switch (type) {
                        case od::json_type::string:
                            cell.kind = CellKind::text;
                            code = v.get_string().get(cell.text);
                            break;
                        case od::json_type::number:
                            cell.kind = CellKind::number;
                            cell.text = trim_right(v.raw_json_token());
                            break;
                        case od::json_type::boolean: {
                            bool b = false;
                            code = v.get_bool().get(b);
                            cell.kind = CellKind::boolean;
                            cell.text = b ? "true" : "false";
                            break;
                        }
                        case od::json_type::null:
                            cell = RawCell{};
                            code = v.is_null().error();
                            break;
                        case od::json_type::object: {
                            od::object nested;
                            std::string_view json;
                            code = v.get_object().get(nested);
                            if (!code) {
                                code = nested.raw_json().get(json);
                            }
                            cell.kind = CellKind::text;
                            cell.text = trim_right(json);
                            break;
                        }
                        case od::json_type::array: {
                            od::array nested;
                            std::string_view json;
                            code = v.get_array().get(nested);
                            if (!code) {
                                code = nested.raw_json().get(json);
                            }
                            cell.kind = CellKind::text;
                            cell.text = trim_right(json);
                            break;
                        }
                    }
                    if (code) {
                        body.resize(size);
                        return fail(name, code);
                    }
                }
                ++info.rows;
                batch.begin_row(RowLocation{0, first_record + info.rows, page});
                for (const auto& cell : cells) {
                    batch.add_cell(cell.kind, cell.text);
                }
                batch.end_row(raw);
            }
        } else if (key == "error") {
            body.resize(size);
            return Error{ErrorCode::invalid_argument,
                         fmt::format("page {} is an OData error, not rows", page)};
        }
        // Other annotations (@odata.context, ...) are skipped by the iteration.
    }
    body.resize(size);
    if (!saw_value) {
        return Error{ErrorCode::parse_error,
                     fmt::format("page {} has no \"value\" array: not an OData collection", page)};
    }
    return info;
}

}  // namespace cs::agent::odata
