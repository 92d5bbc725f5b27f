// Party and reference tables: supplier, customer, product_group.
#include <fmt/format.h>

#include "tests/tools/p21sim/generator.hpp"
#include "tests/tools/p21sim/generator_detail.hpp"
#include "tests/tools/p21sim/words.hpp"

namespace cs::p21sim {

namespace {

using detail::pick;

// A company name such as "Smith & Sons Supply"; a number keeps larger tables varied.
void company_name(std::uint64_t h, std::uint64_t index, std::string& out) {
    out.assign(pick(words::company_names(), h));
    out.push_back(' ');
    out.append(pick(words::company_suffixes(), h >> 16));
    if (index >= words::company_names().size()) {
        fmt::format_to(std::back_inserter(out), " #{}", index + 1);
    }
}

void phone(std::uint64_t h, std::string& out) {
    out.clear();
    fmt::format_to(std::back_inserter(out), "({:03}) 555-{:04}", 200 + h % 800, (h >> 12) % 10'000);
}

// Inactive rows carry delete_flag 'Y' and row_status_flag 705; active rows 'N' and 704.
bool inactive(std::uint64_t h) {
    return h % 100 < 3;
}

}  // namespace

void Generator::supplier_cell(std::uint64_t index, std::size_t column, Value& out) const {
    namespace c = supplier_col;
    auto h = [&](std::uint64_t salt) { return hash(TableId::supplier, index, salt); };
    auto floor = data_end_ms_ - 1096LL * 86'400'000;
    switch (column) {
        case c::supplier_id:
            return out.set_int(100'001 + static_cast<std::int64_t>(index));
        case c::supplier_name:
            out.type = Type::string;
            return company_name(h(detail::kSaltName), index, out.text);
        case c::phone_number:
            if (h(detail::kSaltPhone) % 10 == 0) {
                return out.set_null();
            }
            out.type = Type::string;
            return phone(h(detail::kSaltPhone) >> 8, out.text);
        case c::delete_flag:
            return out.set_string(inactive(h(detail::kSaltFlag)) ? "Y" : "N");
        case c::row_status_flag:
            return out.set_int(inactive(h(detail::kSaltFlag)) ? kRowStatusInactive
                                                              : kRowStatusActive);
        case c::date_created:
            return out.set_datetime(created_ms(TableId::supplier, index, floor));
        case c::date_last_modified:
            return out.set_datetime(
                modified_ms(TableId::supplier, index, created_ms(TableId::supplier, index, floor)));
        case c::last_maintained_by:
            return out.set_string(pick(words::users(), h(detail::kSaltUser)));
        default:
            return out.set_null();
    }
}

void Generator::customer_cell(std::uint64_t index, std::size_t column, Value& out) const {
    namespace c = customer_col;
    auto h = [&](std::uint64_t salt) { return hash(TableId::customer, index, salt); };
    auto floor = data_end_ms_ - 1096LL * 86'400'000;
    const auto& city = pick(words::cities(), h(detail::kSaltAddress));
    bool no_address = h(detail::kSaltAddress) % 25 == 0;
    switch (column) {
        case c::customer_id:
            return out.set_int(10'001 + static_cast<std::int64_t>(index));
        case c::company_id:
            return out.set_string("01");
        case c::customer_name:
            out.type = Type::string;
            return company_name(h(detail::kSaltName), index, out.text);
        case c::mail_address1:
            if (no_address) {
                return out.set_null();
            }
            out.type = Type::string;
            out.text.clear();
            fmt::format_to(std::back_inserter(out.text), "{} {}",
                           1 + (h(detail::kSaltAddress) >> 8) % 9999,
                           pick(words::streets(), h(detail::kSaltAddress) >> 24));
            return;
        case c::mail_city:
            return no_address ? out.set_null() : out.set_string(city.city);
        case c::mail_state:
            return no_address ? out.set_null() : out.set_string(city.state);
        case c::mail_postal_code:
            if (no_address) {
                return out.set_null();
            }
            out.type = Type::string;
            out.text.assign(city.zip_prefix);
            fmt::format_to(std::back_inserter(out.text), "{:02}",
                           (h(detail::kSaltAddress) >> 40) % 100);
            return;
        case c::credit_limit:
            return out.set_decimal(
                Decimal::from_units(
                    static_cast<std::int64_t>(h(detail::kSaltCredit) % 500) * 1'000'000, 4)
                    .value());
        case c::delete_flag:
            return out.set_string(inactive(h(detail::kSaltFlag)) ? "Y" : "N");
        case c::row_status_flag:
            return out.set_int(inactive(h(detail::kSaltFlag)) ? kRowStatusInactive
                                                              : kRowStatusActive);
        case c::date_created:
            return out.set_datetime(created_ms(TableId::customer, index, floor));
        case c::date_last_modified:
            return out.set_datetime(
                modified_ms(TableId::customer, index, created_ms(TableId::customer, index, floor)));
        case c::last_maintained_by:
            return out.set_string(pick(words::users(), h(detail::kSaltUser)));
        default:
            return out.set_null();
    }
}

void Generator::product_group_cell(std::uint64_t index, std::size_t column, Value& out) const {
    namespace c = product_group_col;
    auto h = [&](std::uint64_t salt) { return hash(TableId::product_group, index, salt); };
    auto floor = data_end_ms_ - 1096LL * 86'400'000;
    switch (column) {
        case c::product_group_id:
            return key_of(TableId::product_group, index, out);
        case c::company_id:
            return out.set_string("01");
        case c::product_group_desc:
            out.type = Type::string;
            out.text.assign(index < words::product_groups().size()
                                ? words::product_groups()[index]
                                : pick(words::product_groups(), h(detail::kSaltName)));
            if (index >= words::product_groups().size()) {
                fmt::format_to(std::back_inserter(out.text), " {}", index + 1);
            }
            return;
        case c::delete_flag:
            return out.set_string(inactive(h(detail::kSaltFlag)) ? "Y" : "N");
        case c::date_created:
            return out.set_datetime(created_ms(TableId::product_group, index, floor));
        case c::date_last_modified:
            return out.set_datetime(modified_ms(TableId::product_group, index,
                                                created_ms(TableId::product_group, index, floor)));
        case c::last_maintained_by:
            return out.set_string(pick(words::users(), h(detail::kSaltUser)));
        default:
            return out.set_null();
    }
}

}  // namespace cs::p21sim
