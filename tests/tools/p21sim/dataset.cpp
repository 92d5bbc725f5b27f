#include "tests/tools/p21sim/dataset.hpp"

#include <array>

namespace cs::p21sim {

namespace {

struct Property {
    const char* name;
    const char* source;
    Transform transform = Transform::none;
};

EntitySet project(std::string name, TableId table, const char* key,
                  std::initializer_list<Property> properties) {
    const TableSchema& source = schema_of(table);
    EntitySet set{.name = name, .table = table, .schema = {.name = std::move(name)}};
    for (const Property& p : properties) {
        std::size_t column = source.find(p.source).value();
        Column projected = source.columns[column];
        projected.name = p.name;
        if (p.transform != Transform::none) {
            projected.type = Type::boolean;
            projected.max_length = 0;
        }
        set.schema.columns.push_back(std::move(projected));
        set.columns.push_back({column, p.transform});
    }
    set.schema.key = set.schema.find(key).value();
    return set;
}

std::array<EntitySet, 4> make_sets() {
    return {
        project("Products", TableId::inv_mast, "Sku",
                {{"Sku", "item_id"},
                 {"Name", "item_desc"},
                 {"SalesUnit", "default_selling_unit"},
                 {"PurchaseUnit", "default_purchasing_unit"},
                 {"ListPrice", "list_price"},
                 {"Category", "class_id1"},
                 {"Discontinued", "delete_flag", Transform::yes_is_true},
                 {"CreatedAt", "date_created"},
                 {"ModifiedAt", "date_last_modified"}}),
        project("Suppliers", TableId::supplier, "SupplierCode",
                {{"SupplierCode", "supplier_id"},
                 {"Name", "supplier_name"},
                 {"Phone", "phone_number"},
                 {"Active", "delete_flag", Transform::no_is_true},
                 {"ModifiedAt", "date_last_modified"}}),
        project("SupplierItems", TableId::inventory_supplier, "Id",
                {{"Id", "inventory_supplier_uid"},
                 {"ProductUid", "inv_mast_uid"},
                 {"SupplierCode", "supplier_id"},
                 {"PartNumber", "supplier_part_no"},
                 {"Cost", "cost"},
                 {"ListPrice", "list_price"},
                 {"LeadTimeDays", "lead_time_days"},
                 {"Upc", "upc_code"},
                 {"Discontinued", "delete_flag", Transform::yes_is_true},
                 {"ModifiedAt", "date_last_modified"}}),
        project("UnitsOfMeasure", TableId::item_uom, "Id",
                {{"Id", "item_uom_uid"},
                 {"ProductUid", "inv_mast_uid"},
                 {"Unit", "unit_of_measure"},
                 {"Quantity", "unit_size"},
                 {"Discontinued", "delete_flag", Transform::yes_is_true},
                 {"ModifiedAt", "date_last_modified"}}),
    };
}

}  // namespace

std::span<const EntitySet> generic_entity_sets() {
    static const std::array<EntitySet, 4> sets = make_sets();
    return sets;
}

const EntitySet* find_entity_set(std::string_view name) {
    for (const EntitySet& set : generic_entity_sets()) {
        if (set.name == name) {
            return &set;
        }
    }
    return nullptr;
}

}  // namespace cs::p21sim
