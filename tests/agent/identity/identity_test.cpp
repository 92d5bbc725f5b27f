#include "agent/identity/identity.hpp"

#include <gtest/gtest.h>

namespace cs::agent {
namespace {

// inv_mast-like entity: key item_id, a price, a rowversion column.
IdentitySpec item_spec() {
    IdentitySpec spec;
    spec.fields = {{"item_id", FieldType::string},
                   {"price", FieldType::string},
                   {"version", FieldType::string}};
    spec.key = {0};
    spec.rowversion = 2;
    return spec;
}

HashedRow row_of(std::vector<Value> values) {
    HashedRow row;
    row.values = std::move(values);
    return row;
}

TEST(IdentityTest, BusinessKeyHashesOnlyTheKeyFieldsAndDataHashAllOfThem) {
    Identity identity(item_spec());
    auto a = row_of({"A-1", "10.00", "7"});
    auto repriced = row_of({"A-1", "12.50", "8"});
    auto other = row_of({"B-2", "10.00", "7"});
    ASSERT_TRUE(identity.compute(a));
    ASSERT_TRUE(identity.compute(repriced));
    ASSERT_TRUE(identity.compute(other));
    EXPECT_EQ(a.bk, repriced.bk);
    EXPECT_NE(a.data_hash, repriced.data_hash);
    EXPECT_NE(a.bk, other.bk);
    EXPECT_NE(a.data_hash, other.data_hash);
    EXPECT_EQ(a.rowversion, "7");
    EXPECT_EQ(repriced.rowversion, "8");
    EXPECT_FALSE(a.parent_bk);
}

TEST(IdentityTest, HashesDoNotDependOnTheOrderFieldsAreDeclaredIn) {
    IdentitySpec reordered;
    reordered.fields = {{"version", FieldType::string},
                        {"price", FieldType::string},
                        {"item_id", FieldType::string}};
    reordered.key = {2};
    Identity first(item_spec());
    Identity second(reordered);
    auto a = row_of({"A-1", "10.00", "7"});
    auto b = row_of({"7", "10.00", "A-1"});
    ASSERT_TRUE(first.compute(a));
    ASSERT_TRUE(second.compute(b));
    EXPECT_EQ(a.bk, b.bk);
    EXPECT_EQ(a.data_hash, b.data_hash);
}

TEST(IdentityTest, AnEmptyKeyFieldIsAnErrorNamingTheField) {
    Identity identity(item_spec());
    auto row = row_of({Value::null(), "10.00", "7"});
    auto st = identity.compute(row);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("'item_id'"), std::string::npos) << st.error().message;
}

TEST(IdentityTest, AChildNamesItsParentByTheParentsBusinessKey) {
    Identity parent(item_spec());
    IdentitySpec child_spec;
    child_spec.fields = {{"line_no", FieldType::string}, {"item", FieldType::string}};
    child_spec.key = {0, 1};
    child_spec.parent_entity = "inv_mast";
    child_spec.parent_key = {{"item_id", 1}};
    Identity child(child_spec);

    auto item = row_of({"A-1", "10.00", "7"});
    auto line = row_of({"1", "A-1"});
    ASSERT_TRUE(parent.compute(item));
    ASSERT_TRUE(child.compute(line));
    ASSERT_TRUE(line.parent_bk);
    EXPECT_EQ(*line.parent_bk, item.bk);
    EXPECT_NE(line.bk, item.bk);
}

TEST(IdentityTest, AMissingParentReferenceLeavesNoParentHash) {
    IdentitySpec spec;
    spec.fields = {{"line_no", FieldType::string}, {"item", FieldType::string}};
    spec.key = {0};
    spec.parent_entity = "inv_mast";
    spec.parent_key = {{"item_id", 1}};
    Identity child(spec);
    auto linked = row_of({"1", "A-1"});
    ASSERT_TRUE(child.compute(linked));
    EXPECT_TRUE(linked.parent_bk);
    // A null parent reference is a row without a parent, not an error; the same
    // instance reused for it leaves nothing stale from the row before.
    auto orphan = row_of({"2", Value::null()});
    ASSERT_TRUE(child.compute(orphan));
    EXPECT_FALSE(orphan.parent_bk);
}

}  // namespace
}  // namespace cs::agent
