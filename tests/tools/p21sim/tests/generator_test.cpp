#include "tests/tools/p21sim/generator.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace cs::p21sim {
namespace {

constexpr std::int64_t kDataEnd = 1748736000000;  // 2025-06-01T00:00:00Z
constexpr std::int64_t kThreeYears = 1096LL * 86'400'000;

RowCounts counts(std::string_view spec) {
    return parse_row_counts(spec).value();
}

std::string cell_text(const Generator& g, TableId t, std::uint64_t i, std::size_t c) {
    Value v;
    g.cell(t, i, c, v);
    switch (v.type) {
        case Type::null:
            return "null";
        case Type::integer:
        case Type::datetime:
            return std::to_string(v.integer);
        case Type::decimal:
            return v.decimal.to_string();
        case Type::boolean:
            return v.boolean ? "true" : "false";
        case Type::string:
            return v.text;
    }
    return "";
}

// The whole row as text, to compare generators.
std::string row_text(const Generator& g, TableId t, std::uint64_t i) {
    std::string out;
    for (std::size_t c = 0; c < schema_of(t).columns.size(); ++c) {
        out += cell_text(g, t, i, c) + "|";
    }
    return out;
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
        if (n == 0 || i + n > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) {
                return false;
            }
        }
        i += n;
    }
    return true;
}

TEST(RowCounts, DefaultsScaleChildTablesWithItems) {
    RowCounts c = counts("inv_mast=1000");
    EXPECT_EQ(c[TableId::inv_mast], 1000u);
    EXPECT_EQ(c[TableId::item_uom], 2000u);
    EXPECT_EQ(c[TableId::inventory_supplier], 1500u);
    EXPECT_EQ(c[TableId::supplier], 200u);
    RowCounts d = counts("");
    EXPECT_EQ(d[TableId::inv_mast], 5000u);
}

TEST(RowCounts, RejectsImpossibleRelationshipsAndTypos) {
    EXPECT_FALSE(parse_row_counts("inv_mast=10,item_uom=41"));
    EXPECT_FALSE(parse_row_counts("inv_mast=10,supplier=2,inventory_supplier=21"));
    EXPECT_FALSE(parse_row_counts("inv_mst=10"));
    EXPECT_FALSE(parse_row_counts("inv_mast=ten"));
    EXPECT_FALSE(parse_row_counts("inv_mast"));
    EXPECT_FALSE(parse_row_counts("inv_mast=60000000"));
    EXPECT_TRUE(parse_row_counts("inv_mast=10,item_uom=40,supplier=3,inventory_supplier=30"));
}

TEST(Generator, SameSeedGivesTheSameRows) {
    Generator a(7, counts("inv_mast=500"), kDataEnd);
    Generator b(7, counts("inv_mast=500"), kDataEnd);
    Generator c(8, counts("inv_mast=500"), kDataEnd);
    int different = 0;
    for (TableId t : kAllTables) {
        for (std::uint64_t i = 0; i < 50; ++i) {
            EXPECT_EQ(row_text(a, t, i), row_text(b, t, i));
            different += row_text(a, t, i) != row_text(c, t, i) ? 1 : 0;
        }
    }
    EXPECT_GT(different, 250);  // another seed changes nearly every row
}

TEST(Generator, ItemIdsAreUniqueAndIncludeCharactersThatNeedEncoding) {
    Generator g(21, counts("inv_mast=20000"), kDataEnd);
    std::set<std::string> ids;
    std::set<char> specials;
    for (std::uint64_t i = 0; i < 20000; ++i) {
        std::string id = cell_text(g, TableId::inv_mast, i, inv_mast_col::item_id);
        EXPECT_LE(id.size(), 40u);
        EXPECT_TRUE(ids.insert(id).second) << id;
        for (char c : id) {
            if (std::string_view("/+# &'").find(c) != std::string_view::npos) {
                specials.insert(c);
            }
        }
    }
    EXPECT_EQ(specials.size(), 6u);
}

TEST(Generator, TextIsValidUtf8WithinColumnLengths) {
    Generator g(21, counts("inv_mast=3000"), kDataEnd);
    bool non_ascii = false;
    bool comma_or_quote = false;
    for (TableId t : kAllTables) {
        const TableSchema& schema = schema_of(t);
        for (std::uint64_t i = 0; i < std::min<std::uint64_t>(g.base_rows(t), 3000); ++i) {
            for (std::size_t c = 0; c < schema.columns.size(); ++c) {
                Value v;
                g.cell(t, i, c, v);
                if (v.type != Type::string) {
                    continue;
                }
                ASSERT_TRUE(valid_utf8(v.text)) << schema.columns[c].name << ": " << v.text;
                EXPECT_LE(v.text.size(), static_cast<std::size_t>(schema.columns[c].max_length))
                    << schema.columns[c].name << ": " << v.text;
                non_ascii = non_ascii || v.text.find('\xC3') != std::string::npos;
                comma_or_quote = comma_or_quote || v.text.find_first_of(",\"") != std::string::npos;
            }
        }
    }
    EXPECT_TRUE(non_ascii);
    EXPECT_TRUE(comma_or_quote);
}

TEST(Generator, ChildRowsReferenceExistingParents) {
    RowCounts c = counts("inv_mast=300,supplier=7");
    Generator g(3, c, kDataEnd);
    std::set<std::pair<std::string, std::string>> uoms;
    for (std::uint64_t i = 0; i < c[TableId::item_uom]; ++i) {
        Value item, uom, size;
        g.cell(TableId::item_uom, i, item_uom_col::inv_mast_uid, item);
        g.cell(TableId::item_uom, i, item_uom_col::unit_of_measure, uom);
        g.cell(TableId::item_uom, i, item_uom_col::unit_size, size);
        EXPECT_GE(item.integer, 1);
        EXPECT_LE(item.integer, 300);
        EXPECT_TRUE(uoms.emplace(std::to_string(item.integer), uom.text).second)
            << "duplicate unit " << uom.text << " for item " << item.integer;
        if (uom.text == "EA") {
            EXPECT_EQ(size.decimal, Decimal::from_int(1));
        } else {
            EXPECT_GT(size.decimal, Decimal::from_int(1));
        }
    }
    std::set<std::pair<std::int64_t, std::int64_t>> pairs;
    for (std::uint64_t i = 0; i < c[TableId::inventory_supplier]; ++i) {
        Value item, supplier, cost, list;
        g.cell(TableId::inventory_supplier, i, inventory_supplier_col::inv_mast_uid, item);
        g.cell(TableId::inventory_supplier, i, inventory_supplier_col::supplier_id, supplier);
        g.cell(TableId::inventory_supplier, i, inventory_supplier_col::cost, cost);
        g.cell(TableId::inventory_supplier, i, inventory_supplier_col::list_price, list);
        EXPECT_GE(supplier.integer, 100001);
        EXPECT_LE(supplier.integer, 100007);
        EXPECT_TRUE(pairs.emplace(item.integer, supplier.integer).second);
        EXPECT_LT(cost.decimal, list.decimal);
        EXPECT_EQ(cost.decimal.scale(), 4);
    }
}

TEST(Generator, PurchasingUnitMatchesTheItemsSecondUnit) {
    RowCounts c = counts("inv_mast=100,item_uom=150");
    Generator g(5, c, kDataEnd);
    for (std::uint64_t item = 0; item < 100; ++item) {
        std::string unit =
            cell_text(g, TableId::inv_mast, item, inv_mast_col::default_purchasing_unit);
        if (item < 50) {
            EXPECT_EQ(unit,
                      cell_text(g, TableId::item_uom, 100 + item, item_uom_col::unit_of_measure));
        } else {
            EXPECT_EQ(unit, "EA");
        }
    }
}

TEST(Generator, FlagsAndDatesLookLikeP21) {
    Generator g(21, counts("inv_mast=10000,supplier=2000"), kDataEnd);
    int deleted = 0;
    for (std::uint64_t i = 0; i < 10000; ++i) {
        Value created, modified, flag;
        g.cell(TableId::inv_mast, i, inv_mast_col::date_created, created);
        g.cell(TableId::inv_mast, i, inv_mast_col::date_last_modified, modified);
        g.cell(TableId::inv_mast, i, inv_mast_col::delete_flag, flag);
        ASSERT_EQ(created.type, Type::datetime);
        EXPECT_GE(created.integer, kDataEnd - kThreeYears);
        EXPECT_LE(created.integer, kDataEnd);
        EXPECT_GE(modified.integer, created.integer);
        EXPECT_LE(modified.integer, kDataEnd + 1000);
        deleted += flag.text == "Y" ? 1 : 0;
    }
    EXPECT_GT(deleted, 150);  // about 3%
    EXPECT_LT(deleted, 500);
    for (std::uint64_t i = 0; i < 2000; ++i) {
        Value flag, status;
        g.cell(TableId::supplier, i, supplier_col::delete_flag, flag);
        g.cell(TableId::supplier, i, supplier_col::row_status_flag, status);
        EXPECT_EQ(status.integer, flag.text == "Y" ? kRowStatusInactive : kRowStatusActive);
    }
}

TEST(Generator, KeysMapToIndexesBothWays) {
    Generator g(1, counts(""), kDataEnd);
    for (TableId t : kAllTables) {
        for (std::uint64_t i : {0u, 1u, 49u}) {
            Value key;
            g.key_of(t, i, key);
            std::string text = key.type == Type::integer ? std::to_string(key.integer) : key.text;
            EXPECT_EQ(g.index_of_key(t, text), i) << table_name(t) << " " << text;
            Value column;
            g.cell(t, i, schema_of(t).key, column);
            EXPECT_TRUE(compare_values(key, column) == 0);
        }
    }
    EXPECT_EQ(g.index_of_key(TableId::supplier, "100001"), 0u);
    EXPECT_FALSE(g.index_of_key(TableId::supplier, "99"));
    EXPECT_FALSE(g.index_of_key(TableId::inv_mast, "12x"));
    EXPECT_FALSE(g.index_of_key(TableId::product_group, "PG1"));
    EXPECT_EQ(g.index_of_key(TableId::product_group, "PG00001"), 0u);
}

}  // namespace
}  // namespace cs::p21sim
