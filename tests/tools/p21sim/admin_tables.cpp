// /__admin/table/{t}: read the current truth of a table and mutate it.
#include <fmt/format.h>

#include "tests/tools/p21sim/admin.hpp"
#include "tests/tools/p21sim/mutations.hpp"

namespace cs::p21sim {

namespace {

using nlohmann::json;

Expected<Selection> read_selection(const json& body) {
    Selection selection;
    if (body.contains("keys")) {
        if (!body["keys"].is_array()) {
            return make_error(ErrorCode::invalid_argument, "'keys' must be an array");
        }
        for (const json& key : body["keys"]) {
            if (key.is_string()) {
                selection.keys.push_back(key.get<std::string>());
            } else if (key.is_number_integer()) {
                selection.keys.push_back(std::to_string(key.get<std::int64_t>()));
            } else {
                return make_error(ErrorCode::invalid_argument,
                                  "'keys' holds strings or integers, found {}", key.dump());
            }
        }
        return selection;
    }
    if (body.contains("count")) {
        if (!body["count"].is_number_integer() || body["count"].get<std::int64_t>() < 0) {
            return make_error(ErrorCode::invalid_argument,
                              "'count' must be a non-negative integer");
        }
        selection.count = body["count"].get<std::uint64_t>();
        return selection;
    }
    return make_error(ErrorCode::invalid_argument, "give 'keys' or 'count'");
}

Expected<Value> value_from_json(const json& v, const Column& column, const TimeZone& zone) {
    Value out;
    auto wrong = [&](std::string_view expected) {
        return make_error(ErrorCode::invalid_argument, "set {}: expected {}, found {}", column.name,
                          expected, v.dump());
    };
    if (v.is_null()) {
        if (!column.nullable) {
            return make_error(ErrorCode::invalid_argument, "set {}: the column is not nullable",
                              column.name);
        }
        return out;
    }
    switch (column.type) {
        case Type::string: {
            if (!v.is_string()) {
                return wrong("a string");
            }
            std::string text = v.get<std::string>();
            if (column.max_length > 0 &&
                text.size() > static_cast<std::size_t>(column.max_length)) {
                return make_error(ErrorCode::invalid_argument,
                                  "set {}: {} bytes, the column holds {}", column.name, text.size(),
                                  column.max_length);
            }
            out.set_string(text);
            return out;
        }
        case Type::integer:
            if (!v.is_number_integer()) {
                return wrong("an integer");
            }
            out.set_int(v.get<std::int64_t>());
            return out;
        case Type::decimal: {
            // Strings keep every digit; JSON numbers are read from their shortest text.
            if (!v.is_string() && !v.is_number()) {
                return wrong("a decimal string such as \"12.3400\"");
            }
            auto d = Decimal::parse(v.is_string() ? v.get<std::string>() : v.dump());
            if (!d) {
                return d.error().wrap("set " + column.name);
            }
            auto scaled = d->rescale(column.scale, Rounding::half_up);
            if (!scaled) {
                return scaled.error().wrap("set " + column.name);
            }
            out.set_decimal(*scaled);
            return out;
        }
        case Type::datetime: {
            if (!v.is_string()) {
                return wrong("a date/time string");
            }
            auto ms = parse_datetime(v.get<std::string>(), zone);
            if (!ms) {
                return ms.error().wrap("set " + column.name);
            }
            out.set_datetime(*ms);
            return out;
        }
        default:
            return wrong("a value");
    }
}

Expected<Assignments> read_assignments(const json& body, const TableSchema& schema,
                                       const TimeZone& zone) {
    Assignments assignments;
    if (!body.contains("set")) {
        return assignments;
    }
    if (!body["set"].is_object()) {
        return make_error(ErrorCode::invalid_argument, "'set' must be an object");
    }
    for (const auto& [name, value] : body["set"].items()) {
        auto column = schema.find(name);
        if (!column) {
            return make_error(ErrorCode::invalid_argument, "set: {} has no column '{}'",
                              schema.name, name);
        }
        if (*column == schema.key) {
            return make_error(ErrorCode::invalid_argument, "set: the key {} cannot change", name);
        }
        auto v = value_from_json(value, schema.columns[*column], zone);
        if (!v) {
            return v.error();
        }
        assignments.emplace_back(*column, std::move(*v));
    }
    return assignments;
}

json key_json(const Generator& generator, TableId table, std::uint64_t index) {
    Value key;
    generator.key_of(table, index, key);
    return key.type == Type::integer ? json(key.integer) : json(key.text);
}

// GET: a summary, or with ?key=...&key=... the current rows as the data API writes them.
HttpResponse read_table(Context& context, const Target& target, TableId id) {
    std::shared_lock lock(context.data_mutex);
    const Table& table = context.table(id);
    std::vector<std::string> keys;
    for (const QueryParam& p : target.params) {
        if (p.name == "key") {
            keys.push_back(p.value);
        }
    }
    if (keys.empty()) {
        return admin_json(200, {{"table", table.schema().name},
                                {"key", table.schema().columns[table.schema().key].name},
                                {"rows", table.live_count()},
                                {"base_rows", context.generator.base_rows(id)},
                                {"inserted", table.inserted()},
                                {"deleted", table.deleted()},
                                {"updated", table.updated()},
                                {"version", table.version()}});
    }
    std::string body = fmt::format(R"({{"table":"{}","rows":[)", table.schema().name);
    json missing = json::array();
    Dataset dataset(table);
    std::vector<std::size_t> columns(table.schema().columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
        columns[c] = c;
    }
    Value scratch;
    bool first = true;
    for (const std::string& key : keys) {
        auto index = context.generator.index_of_key(id, key);
        if (!index || !table.live(*index)) {
            missing.push_back(key);
            continue;
        }
        body += first ? "" : ",";
        first = false;
        append_row(body, dataset, *index, columns, context.json_style(), scratch);
    }
    body += R"(],"missing":)" + missing.dump(-1, ' ', false, json::error_handler_t::replace) + "}";
    return json_response(200, std::move(body));
}

HttpResponse mutate(Context& context, TableId id, std::string_view action, const json& body) {
    std::int64_t now = context.clock.now_ms();
    Expected<std::vector<std::uint64_t>> rows = std::vector<std::uint64_t>{};
    std::unique_lock lock(context.data_mutex);
    Table& table = context.table(id);
    if (action == "insert") {
        if (!body.contains("count") || !body["count"].is_number_integer() ||
            body["count"].get<std::int64_t>() < 0) {
            return error_response(400, "insert: 'count' must be a non-negative integer");
        }
        rows = insert_rows(table, context.generator, body["count"].get<std::uint64_t>(), now);
    } else {
        auto selection = read_selection(body);
        if (!selection) {
            return error_response(400, selection.error().wrap(action).message);
        }
        if (action == "update") {
            auto assignments = read_assignments(body, table.schema(), context.zone);
            if (!assignments) {
                return error_response(400, assignments.error().wrap("update").message);
            }
            rows = update_rows(table, context.generator, *selection, *assignments, now);
        } else if (action == "delete") {
            rows = delete_rows(table, context.generator, *selection);
        } else if (action == "delete-flag") {
            std::string value = body.contains("value") && body["value"].is_string()
                                    ? body["value"].get<std::string>()
                                    : "Y";
            if (value != "Y" && value != "N") {
                return error_response(400, "delete-flag: 'value' is \"Y\" or \"N\"");
            }
            rows = set_delete_flag(table, context.generator, *selection, value == "Y", now);
        } else {
            return error_response(404, fmt::format("unknown table action '{}'", action));
        }
    }
    if (!rows) {
        int status = rows.error().code == ErrorCode::not_found ? 404 : 400;
        return error_response(status, rows.error().wrap(action).message);
    }
    json keys = json::array();
    for (std::uint64_t index : *rows) {
        keys.push_back(key_json(context.generator, id, index));
    }
    return admin_json(200, {{"table", table.schema().name},
                            {"action", action},
                            {"count", rows->size()},
                            {"keys", keys},
                            {"date_last_modified",
                             format_datetime(now, context.zone, context.config.datetime_style)}});
}

}  // namespace

HttpResponse handle_admin_table(Context& context, const HttpRequest& request, const Target& target,
                                std::string_view rest) {
    auto slash = rest.find('/');
    std::string_view name = rest.substr(0, slash);
    std::string_view action = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    auto id = table_by_name(name);
    if (!id) {
        return error_response(404, fmt::format("unknown table '{}'", name));
    }
    if (action.empty()) {
        return request.method == "GET" ? read_table(context, target, *id)
                                       : error_response(405, "use GET on a table");
    }
    if (request.method != "POST") {
        return error_response(405, fmt::format("use POST for '{}'", action));
    }
    auto body = admin_body(request);
    if (!body) {
        return error_response(400, body.error().message);
    }
    return mutate(context, *id, action, *body);
}

}  // namespace cs::p21sim
