#include "tests/tools/p21sim/schema.hpp"

#include <fmt/format.h>

namespace cs::p21sim {

namespace {

Column integer(std::string name) {
    return Column{.name = std::move(name), .type = Type::integer};
}
Column money(std::string name) {
    return Column{.name = std::move(name), .type = Type::decimal, .scale = 4};
}
Column text(std::string name, int max_length, bool nullable = false) {
    return Column{.name = std::move(name),
                  .type = Type::string,
                  .max_length = max_length,
                  .nullable = nullable};
}
Column datetime(std::string name) {
    return Column{.name = std::move(name), .type = Type::datetime};
}

// The audit columns most P21 tables end with.
void add_audit(std::vector<Column>& columns) {
    columns.push_back(datetime("date_created"));
    columns.push_back(datetime("date_last_modified"));
    columns.push_back(text("last_maintained_by", 30));
}

TableSchema finish(std::string name, std::vector<Column> columns, std::size_t key) {
    TableSchema schema{.name = std::move(name), .columns = std::move(columns), .key = key};
    schema.delete_flag = schema.find("delete_flag");
    schema.row_status_flag = schema.find("row_status_flag");
    schema.date_created = schema.find("date_created");
    schema.date_last_modified = schema.find("date_last_modified");
    schema.last_maintained_by = schema.find("last_maintained_by");
    return schema;
}

TableSchema make_inv_mast() {
    std::vector<Column> c{integer("inv_mast_uid"),
                          text("item_id", 40),
                          text("item_desc", 40),
                          text("default_selling_unit", 8),
                          text("default_purchasing_unit", 8),
                          money("list_price")};
    for (int i = 1; i <= 10; ++i) {
        c.push_back(money(fmt::format("price{}", i)));
    }
    c.push_back(text("product_type", 1));
    for (int i = 1; i <= 5; ++i) {
        c.push_back(text(fmt::format("class_id{}", i), 8, true));
    }
    c.push_back(text("delete_flag", 1));
    add_audit(c);
    return finish("inv_mast", std::move(c), inv_mast_col::inv_mast_uid);
}

TableSchema make_item_uom() {
    std::vector<Column> c{integer("item_uom_uid"), integer("inv_mast_uid"),
                          text("unit_of_measure", 8), money("unit_size"), text("delete_flag", 1)};
    add_audit(c);
    return finish("item_uom", std::move(c), item_uom_col::item_uom_uid);
}

TableSchema make_inventory_supplier() {
    std::vector<Column> c{integer("inventory_supplier_uid"),
                          integer("inv_mast_uid"),
                          integer("supplier_id"),
                          integer("division_id"),
                          text("supplier_part_no", 40),
                          money("cost"),
                          money("list_price"),
                          integer("lead_time_days"),
                          text("upc_code", 14, true),
                          text("delete_flag", 1)};
    add_audit(c);
    return finish("inventory_supplier", std::move(c),
                  inventory_supplier_col::inventory_supplier_uid);
}

TableSchema make_supplier() {
    std::vector<Column> c{integer("supplier_id"), text("supplier_name", 50),
                          text("phone_number", 20, true), text("delete_flag", 1),
                          integer("row_status_flag")};
    add_audit(c);
    return finish("supplier", std::move(c), supplier_col::supplier_id);
}

TableSchema make_customer() {
    std::vector<Column> c{integer("customer_id"),
                          text("company_id", 8),
                          text("customer_name", 50),
                          text("mail_address1", 50, true),
                          text("mail_city", 50, true),
                          text("mail_state", 50, true),
                          text("mail_postal_code", 10, true),
                          money("credit_limit"),
                          text("delete_flag", 1),
                          integer("row_status_flag")};
    add_audit(c);
    return finish("customer", std::move(c), customer_col::customer_id);
}

TableSchema make_product_group() {
    std::vector<Column> c{text("product_group_id", 8), text("company_id", 8),
                          text("product_group_desc", 40), text("delete_flag", 1)};
    add_audit(c);
    return finish("product_group", std::move(c), product_group_col::product_group_id);
}

const std::array<TableSchema, kTableCount>& all_schemas() {
    static const std::array<TableSchema, kTableCount> schemas = {
        make_inv_mast(), make_item_uom(), make_inventory_supplier(),
        make_supplier(), make_customer(), make_product_group()};
    return schemas;
}

}  // namespace

std::optional<std::size_t> TableSchema::find(std::string_view column) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].name == column) {
            return i;
        }
    }
    return std::nullopt;
}

const TableSchema& schema_of(TableId table) {
    return all_schemas()[static_cast<std::size_t>(table)];
}

std::string_view table_name(TableId table) {
    return schema_of(table).name;
}

std::optional<TableId> table_by_name(std::string_view name) {
    for (TableId id : kAllTables) {
        if (schema_of(id).name == name) {
            return id;
        }
    }
    return std::nullopt;
}

}  // namespace cs::p21sim
