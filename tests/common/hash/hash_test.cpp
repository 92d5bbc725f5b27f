#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/hash/canonical.hpp"

namespace cs {
namespace {

Value from_golden(const std::string& type, const nlohmann::json& v) {
    if (v.is_null()) {
        return Value::null();
    }
    auto t = parse_field_type(type).value();
    switch (t) {
        case FieldType::string:
            return Value(v.get<std::string>());
        case FieldType::decimal:
            return Value(Decimal::parse(v.get<std::string>()).value());
        case FieldType::integer:
            return Value(v.get<std::int64_t>());
        case FieldType::boolean:
            return Value(v.get<bool>());
        case FieldType::date:
            return Value(Date::parse_iso(v.get<std::string>()).value());
        case FieldType::timestamp:
            return Value(Timestamp::parse_iso(v.get<std::string>()).value());
    }
    return Value::null();
}

// Vectors produced by tests/tools/hash_reference.py from docs/hashing.md alone.
TEST(HashTest, GoldenVectorsFromTheReferenceImplementation) {
    std::ifstream in(std::string(CS_TEST_DATA_DIR) + "/hash/golden.json");
    ASSERT_TRUE(in);
    auto cases = nlohmann::json::parse(in);
    ASSERT_GE(cases.size(), 20u);
    for (const auto& c : cases) {
        std::vector<std::string> names;
        std::vector<Value> values;
        for (const auto& f : c["fields"]) {
            names.push_back(f["name"].get<std::string>());
            values.push_back(from_golden(f["type"].get<std::string>(), f["value"]));
        }
        std::vector<NamedValue> fields;
        for (std::size_t i = 0; i < names.size(); ++i) {
            fields.push_back(NamedValue{names[i], &values[i]});
        }
        Hash128 h = c["domain"] == "bk" ? bk_hash(fields) : data_hash(fields);
        EXPECT_EQ(h.to_hex(), c["hash"].get<std::string>()) << c["name"];
        RecordHasher hasher;
        auto domain = c["domain"] == "bk" ? kBusinessKeyDomain : kDataDomain;
        EXPECT_EQ(hasher.hash(domain, fields).to_hex(), c["hash"].get<std::string>())
            << c["name"] << " via RecordHasher";
    }
}

TEST(HashTest, FieldOrderDoesNotMatterButNamesDo) {
    Value a("x");
    Value b("y");
    NamedValue ab[] = {{"a", &a}, {"b", &b}};
    NamedValue ba[] = {{"b", &b}, {"a", &a}};
    NamedValue swapped[] = {{"a", &b}, {"b", &a}};
    EXPECT_EQ(data_hash(ab), data_hash(ba));
    EXPECT_NE(data_hash(ab), data_hash(swapped));
}

TEST(HashTest, BusinessKeyAndDataDomainsDiffer) {
    Value v("AB-100");
    NamedValue f[] = {{"item_id", &v}};
    EXPECT_NE(bk_hash(f), data_hash(f));
}

TEST(HashTest, EqualDecimalsAtDifferentScalesHashEqually) {
    Value a(Decimal::parse("12.50").value());
    Value b(Decimal::parse("1.25E1").value());
    NamedValue fa[] = {{"p", &a}};
    NamedValue fb[] = {{"p", &b}};
    EXPECT_EQ(data_hash(fa), data_hash(fb));
}

TEST(HashTest, SeparatorsInsideValuesCannotCollide) {
    Value joined("x\x01y");
    Value x("x");
    Value y("y");
    NamedValue one[] = {{"a", &joined}};
    NamedValue two[] = {{"a", &x}, {"b", &y}};
    EXPECT_NE(bk_hash(one), bk_hash(two));
    EXPECT_NE(canonical_record(kBusinessKeyDomain, one), canonical_record(kBusinessKeyDomain, two));
}

TEST(Hash128Test, HexRoundTripAndErrors) {
    auto h = Hash128::from_hex("00112233445566778899aabbccddeeff");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->bytes[0], 0x00);
    EXPECT_EQ(h->bytes[15], 0xff);
    EXPECT_EQ(h->to_hex(), "00112233445566778899aabbccddeeff");
    EXPECT_FALSE(Hash128::from_hex("0011"));
    EXPECT_FALSE(Hash128::from_hex("zz112233445566778899aabbccddeeff"));
    EXPECT_TRUE(Hash128{}.is_zero());
}

}  // namespace
}  // namespace cs
