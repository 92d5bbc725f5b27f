// Item-side tables: inv_mast, item_uom, inventory_supplier.
#include <fmt/format.h>

#include "tests/tools/p21sim/generator.hpp"
#include "tests/tools/p21sim/generator_detail.hpp"
#include "tests/tools/p21sim/words.hpp"

namespace cs::p21sim {

namespace {

using detail::pick;

Decimal money(std::int64_t units_of_ten_thousandth) {
    return Decimal::from_units(units_of_ten_thousandth, 4).value();
}

void set_flag(Value& out, bool yes) {
    out.set_string(yes ? "Y" : "N");
}

// 'Y' on about three rows in a hundred.
bool deleted(std::uint64_t h) {
    return h % 100 < 3;
}

// A 12-digit UPC-A with a valid check digit.
void upc(std::uint64_t h, std::string& out) {
    out.clear();
    fmt::format_to(std::back_inserter(out), "0{:010}", h % 10'000'000'000ULL);
    int sum = 0;
    for (std::size_t i = 0; i < 11; ++i) {
        sum += (out[i] - '0') * (i % 2 == 0 ? 3 : 1);
    }
    out.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
}

}  // namespace

Decimal Generator::item_list_price(std::uint64_t item) const {
    std::uint64_t h = hash(TableId::inv_mast, item, detail::kSaltPrice);
    std::uint64_t r = h % 1000;
    auto cents = static_cast<std::int64_t>(50 + r * r / 4);  // skewed: many cheap items
    std::int64_t units = cents * 100;
    if ((h >> 20) % 10 == 0) {
        units += static_cast<std::int64_t>((h >> 24) % 100);  // sub-cent list prices exist
    }
    return money(units);
}

std::string_view Generator::uom_for_slot(std::uint64_t item, std::uint64_t slot,
                                         std::int64_t* unit_size) const {
    slot %= kUomSlotsPerItem;
    if (slot == 0) {
        *unit_size = 1;
        return "EA";
    }
    const auto& uom =
        pick(words::uoms_for_slot(slot), hash(TableId::inv_mast, item, detail::kSaltUom + slot));
    *unit_size = uom.size;
    return uom.code;
}

std::uint64_t Generator::item_supplier(std::uint64_t item, std::uint64_t slot) const {
    std::uint64_t suppliers = std::max<std::uint64_t>(counts_[TableId::supplier], 1);
    return (hash(TableId::inv_mast, item, detail::kSaltSupplier) + slot) % suppliers;
}

void Generator::inv_mast_cell(std::uint64_t index, std::size_t column, Value& out) const {
    namespace c = inv_mast_col;
    auto h = [&](std::uint64_t salt) { return hash(TableId::inv_mast, index, salt); };
    if (column >= c::price1 && column <= c::price10) {
        auto level = static_cast<std::int64_t>(column - c::price1 + 1);
        if (level > 5) {
            return out.set_decimal(money(0));  // unused price columns hold 0 in P21
        }
        // Each price level is 3% below the previous one, rounded half up to 4 places.
        auto list = static_cast<std::int64_t>(item_list_price(index).units());
        return out.set_decimal(money((list * (100 - 3 * level) + 50) / 100));
    }
    if (column >= c::class_id1 && column <= c::class_id5) {
        std::size_t n = column - c::class_id1;
        std::uint64_t hc = h(detail::kSaltClass + n);
        static constexpr std::uint64_t kNullPercent[] = {2, 50, 85, 95, 98};
        if (hc % 100 < kNullPercent[n]) {
            return out.set_null();
        }
        return out.set_string(pick(words::class_codes(), hc >> 8));
    }
    switch (column) {
        case c::inv_mast_uid:
            return out.set_int(static_cast<std::int64_t>(index) + 1);
        case c::item_id: {
            std::uint64_t hi = h(detail::kSaltId);
            std::string_view prefix = hi % 100 < 8 ? pick(words::special_item_prefixes(), hi >> 8)
                                                   : pick(words::item_prefixes(), hi >> 8);
            out.type = Type::string;
            out.text.assign(prefix);
            fmt::format_to(std::back_inserter(out.text), "{:05}", index + 1);
            return;
        }
        case c::item_desc: {
            std::uint64_t hd = h(detail::kSaltDesc);
            out.type = Type::string;
            out.text.assign(pick(words::item_adjectives(), hd));
            out.text.push_back(' ');
            out.text.append(pick(words::item_nouns(), hd >> 16));
            out.text.append(pick(words::item_details(), hd >> 32));
            return;
        }
        case c::default_selling_unit:
            return out.set_string("EA");
        case c::default_purchasing_unit: {
            std::int64_t size = 0;
            bool has_slot1 = counts_[TableId::item_uom] > counts_[TableId::inv_mast] + index;
            return out.set_string(has_slot1 ? uom_for_slot(index, 1, &size) : "EA");
        }
        case c::list_price:
            return out.set_decimal(item_list_price(index));
        case c::product_type:
            return out.set_string(h(detail::kSaltType) % 20 == 0 ? "S" : "R");
        case c::delete_flag:
            return set_flag(out, deleted(h(detail::kSaltFlag)));
        case c::date_created:
            return out.set_datetime(item_created_ms(index));
        case c::date_last_modified:
            return out.set_datetime(modified_ms(TableId::inv_mast, index, item_created_ms(index)));
        case c::last_maintained_by:
            return out.set_string(pick(words::users(), h(detail::kSaltUser)));
        default:
            return out.set_null();
    }
}

void Generator::item_uom_cell(std::uint64_t index, std::size_t column, Value& out) const {
    namespace c = item_uom_col;
    std::uint64_t items = std::max<std::uint64_t>(counts_[TableId::inv_mast], 1);
    std::uint64_t item = index % items;
    std::uint64_t slot = index / items;
    auto created = [&] { return created_ms(TableId::item_uom, index, item_created_ms(item)); };
    std::int64_t size = 0;
    switch (column) {
        case c::item_uom_uid:
            return out.set_int(static_cast<std::int64_t>(index) + 1);
        case c::inv_mast_uid:
            return out.set_int(static_cast<std::int64_t>(item) + 1);
        case c::unit_of_measure:
            return out.set_string(uom_for_slot(item, slot, &size));
        case c::unit_size:
            uom_for_slot(item, slot, &size);
            return out.set_decimal(money(size * 10'000));
        case c::delete_flag:
            return set_flag(
                out, slot != 0 && deleted(hash(TableId::item_uom, index, detail::kSaltFlag)));
        case c::date_created:
            return out.set_datetime(created());
        case c::date_last_modified:
            return out.set_datetime(modified_ms(TableId::item_uom, index, created()));
        case c::last_maintained_by:
            return out.set_string(
                pick(words::users(), hash(TableId::item_uom, index, detail::kSaltUser)));
        default:
            return out.set_null();
    }
}

void Generator::inventory_supplier_cell(std::uint64_t index, std::size_t column, Value& out) const {
    namespace c = inventory_supplier_col;
    std::uint64_t items = std::max<std::uint64_t>(counts_[TableId::inv_mast], 1);
    std::uint64_t item = index % items;
    std::uint64_t slot = index / items;
    std::uint64_t supplier = item_supplier(item, slot);
    auto h = [&](std::uint64_t salt) { return hash(TableId::inventory_supplier, index, salt); };
    auto created = [&] {
        return created_ms(TableId::inventory_supplier, index, item_created_ms(item));
    };
    switch (column) {
        case c::inventory_supplier_uid:
            return out.set_int(static_cast<std::int64_t>(index) + 1);
        case c::inv_mast_uid:
            return out.set_int(static_cast<std::int64_t>(item) + 1);
        case c::supplier_id:
            return out.set_int(100'001 + static_cast<std::int64_t>(supplier));
        case c::division_id:
            return out.set_int(static_cast<std::int64_t>(supplier % 3) + 1);
        case c::supplier_part_no: {
            std::uint64_t hp = h(detail::kSaltPartNo);
            static constexpr std::string_view kForms[] = {"{}-{:06}", "{}/{:06}-A", "{} {:06}",
                                                          "{}+{:06}", "{}#{:06}"};
            std::string_view form = hp % 10 < 6 ? kForms[0] : kForms[1 + (hp >> 8) % 4];
            auto code = static_cast<char>('A' + supplier % 26);
            out.type = Type::string;
            out.text.clear();
            fmt::format_to(std::back_inserter(out.text), fmt::runtime(form),
                           std::string{code, static_cast<char>('A' + supplier / 26 % 26)},
                           (item + 1) * 7 + slot);
            return;
        }
        case c::cost: {
            // 45-75% of list: exact to four places, which is what cost columns hold.
            auto list = static_cast<std::int64_t>(item_list_price(item).units());
            auto percent = static_cast<std::int64_t>(45 + h(detail::kSaltCost) % 31);
            return out.set_decimal(money((list * percent + 50) / 100));
        }
        case c::list_price:
            return out.set_decimal(item_list_price(item));
        case c::lead_time_days:
            return out.set_int(static_cast<std::int64_t>(1 + h(detail::kSaltLeadTime) % 60));
        case c::upc_code: {
            std::uint64_t hu = h(detail::kSaltUpc);
            if (hu % 5 == 0) {
                return out.set_null();
            }
            out.type = Type::string;
            return upc(hu >> 4, out.text);
        }
        case c::delete_flag:
            return set_flag(out, deleted(h(detail::kSaltFlag)));
        case c::date_created:
            return out.set_datetime(created());
        case c::date_last_modified:
            return out.set_datetime(modified_ms(TableId::inventory_supplier, index, created()));
        case c::last_maintained_by:
            return out.set_string(pick(words::users(), h(detail::kSaltUser)));
        default:
            return out.set_null();
    }
}

}  // namespace cs::p21sim
