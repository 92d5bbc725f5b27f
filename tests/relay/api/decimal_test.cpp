// Decimals leave the API exactly as PostgreSQL holds them: `12.50` stays
// `12.50`, 38 nines stay 38 nines, in JSON replies and in CSV exports.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/relay/api/api_fixture.hpp"

namespace cs::relay::api::testing {
namespace {

class DecimalTest : public ApiFixture {
protected:
    // Numerics of 1 to 38 digits, scales 0 to 38, trailing zeros, signs.
    static std::vector<std::string> decimals() {
        const std::string nines(38, '9');
        return {"7",
                "12.50",
                "-12.50",
                "0.10",
                "100.000",
                "1234567890123456789.1234",
                nines,
                "-" + nines,
                "0." + std::string(37, '0') + "1",
                "-0.00000000000000000001",
                "3.1415926535897932384626433832795028841",
                "99999999999999999999.999999999999999999"};
    }

    // A JSON object {"d0": ..., "d1": ...} and PostgreSQL's own text of each.
    std::string document() {
        std::string doc = "{";
        auto values = decimals();
        for (std::size_t i = 0; i < values.size(); ++i) {
            doc += fmt::format("{}\"d{}\": {}", i ? ", " : "", i, values[i]);
        }
        return doc + R"(, "nested": {"list": [12.50, 0.10]}})";
    }

    // Every value of the stored document as `"dN":text` (compact JSON).
    std::vector<std::string> stored_members(const std::string& select) {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < decimals().size(); ++i) {
            auto r = sql(fmt::format("SELECT ({}) -> 'd{}' ", select, i));
            out.push_back(fmt::format("\"d{}\":{}", i, r.text(0, 0)));
        }
        out.push_back(R"("nested":{"list":[12.50,0.10]})");
        return out;
    }
};

TEST_F(DecimalTest, RecordDataIsServedDigitForDigit) {
    const std::string key = "00000000000000000000000000000abc";
    sql(
        fmt::format("INSERT INTO records (tenant_id, site_id, entity, bk_hash, data, data_hash, "
                    "last_sequence) VALUES ('{}', '{}', 'prices', decode('{}', 'hex'), '{}', "
                    "decode('{}', 'hex'), 1)",
                    a_.tenant_id, a_.site_id, key, document(), key));
    auto members = stored_members(fmt::format(
        "SELECT data FROM records WHERE tenant_id = '{}' AND entity = 'prices'", a_.tenant_id));
    // What PostgreSQL holds is the text that went in.
    EXPECT_EQ(members[1], R"("d1":12.50)");
    EXPECT_EQ(members[6], "\"d6\":" + std::string(38, '9'));

    auto analyst = login(email("a", "analyst"));
    const std::string base = fmt::format("/api/v1/sites/{}/entities/prices/records", a_.site_id);
    for (const std::string& target :
         {base, base + "/" + key, base + "?field.d1=12.50", base + "?key=" + key}) {
        auto r = call("GET", target, &analyst);
        ASSERT_EQ(r.status, 200) << target << ": " << r.raw;
        for (const auto& member : members) {
            EXPECT_NE(r.raw.find(member), std::string::npos)
                << target << " lost " << member << " in " << r.raw;
        }
    }
}

TEST_F(DecimalTest, ExceptionDetailsKeepTheirPricesInRepliesAndExports) {
    sql(fmt::format("UPDATE recon_exceptions SET details = '{}' WHERE exception_id = '{}'",
                    document(), a_.exception_id));
    auto members = stored_members(fmt::format(
        "SELECT details FROM recon_exceptions WHERE exception_id = '{}'", a_.exception_id));
    auto analyst = login(email("a", "analyst"));
    for (const std::string& target :
         {"/api/v1/recon/exceptions/" + a_.exception_id, std::string("/api/v1/recon/exceptions")}) {
        auto r = call("GET", target, &analyst);
        ASSERT_EQ(r.status, 200) << target << ": " << r.raw;
        for (const auto& member : members) {
            EXPECT_NE(r.raw.find(member), std::string::npos)
                << target << " lost " << member << " in " << r.raw;
        }
    }
    auto csv = call("GET", "/api/v1/recon/exceptions/export", &analyst);
    ASSERT_EQ(csv.status, 200) << csv.raw;
    for (auto member : members) {
        // Inside a CSV cell the quotes are doubled.
        std::string quoted;
        for (char c : member) {
            quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        }
        EXPECT_NE(csv.raw.find(quoted), std::string::npos) << "the export lost " << member;
    }
}

}  // namespace
}  // namespace cs::relay::api::testing
