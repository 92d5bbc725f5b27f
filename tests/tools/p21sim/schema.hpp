#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/tools/p21sim/value.hpp"

namespace cs::p21sim {

struct Column {
    std::string name;
    Type type = Type::string;
    int scale = 0;          // decimals: digits after the point on the wire
    int max_length = 0;     // strings: varchar length, 0 for unbounded
    bool nullable = false;  // true if generated rows may hold null
};

// A served entity: its name, columns and the single key column. Key values map
// one-to-one onto row indexes (see generator.hpp), so keys order like indexes.
struct TableSchema {
    std::string name;
    std::vector<Column> columns;
    std::size_t key = 0;
    std::optional<std::size_t> delete_flag;      // 'Y'/'N' column, if any
    std::optional<std::size_t> row_status_flag;  // 704 active / 705 inactive, if any
    std::optional<std::size_t> date_created;
    std::optional<std::size_t> date_last_modified;
    std::optional<std::size_t> last_maintained_by;

    std::optional<std::size_t> find(std::string_view column) const;
};

enum class TableId : std::size_t {
    inv_mast,
    item_uom,
    inventory_supplier,
    supplier,
    customer,
    product_group,
};
inline constexpr std::size_t kTableCount = 6;
inline constexpr std::array<TableId, kTableCount> kAllTables = {
    TableId::inv_mast, TableId::item_uom, TableId::inventory_supplier,
    TableId::supplier, TableId::customer, TableId::product_group};

const TableSchema& schema_of(TableId table);
std::string_view table_name(TableId table);
std::optional<TableId> table_by_name(std::string_view name);

inline constexpr int kRowStatusActive = 704;
inline constexpr int kRowStatusInactive = 705;

// Column positions, in the order schema_of() lists them.
namespace inv_mast_col {
enum : std::size_t {
    inv_mast_uid,
    item_id,
    item_desc,
    default_selling_unit,
    default_purchasing_unit,
    list_price,
    price1,
    price2,
    price3,
    price4,
    price5,
    price6,
    price7,
    price8,
    price9,
    price10,
    product_type,
    class_id1,
    class_id2,
    class_id3,
    class_id4,
    class_id5,
    delete_flag,
    date_created,
    date_last_modified,
    last_maintained_by,
    count
};
}
namespace item_uom_col {
enum : std::size_t {
    item_uom_uid,
    inv_mast_uid,
    unit_of_measure,
    unit_size,
    delete_flag,
    date_created,
    date_last_modified,
    last_maintained_by,
    count
};
}
namespace inventory_supplier_col {
enum : std::size_t {
    inventory_supplier_uid,
    inv_mast_uid,
    supplier_id,
    division_id,
    supplier_part_no,
    cost,
    list_price,
    lead_time_days,
    upc_code,
    delete_flag,
    date_created,
    date_last_modified,
    last_maintained_by,
    count
};
}
namespace supplier_col {
enum : std::size_t {
    supplier_id,
    supplier_name,
    phone_number,
    delete_flag,
    row_status_flag,
    date_created,
    date_last_modified,
    last_maintained_by,
    count
};
}
namespace customer_col {
enum : std::size_t {
    customer_id,
    company_id,
    customer_name,
    mail_address1,
    mail_city,
    mail_state,
    mail_postal_code,
    credit_limit,
    delete_flag,
    row_status_flag,
    date_created,
    date_last_modified,
    last_maintained_by,
    count
};
}
namespace product_group_col {
enum : std::size_t {
    product_group_id,
    company_id,
    product_group_desc,
    delete_flag,
    date_created,
    date_last_modified,
    last_maintained_by,
    count
};
}

}  // namespace cs::p21sim
