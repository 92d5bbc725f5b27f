#include <algorithm>

#include "tests/tools/p21sim/filter.hpp"

namespace cs::p21sim {

namespace {

enum class Truth { no, yes, unknown };

const Value& truth_value(Truth t) {
    static const Value yes = [] {
        Value v;
        v.set_bool(true);
        return v;
    }();
    static const Value no = [] {
        Value v;
        v.set_bool(false);
        return v;
    }();
    static const Value unknown;
    return t == Truth::yes ? yes : (t == Truth::no ? no : unknown);
}

Truth from_bool(bool b) {
    return b ? Truth::yes : Truth::no;
}

char fold(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_ci(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return fold(x) == fold(y); });
}

// LIKE under a case-insensitive collation, which is what P21's SQL Server runs.
bool string_function(StringFunction fn, std::string_view text, std::string_view part) {
    if (part.size() > text.size()) {
        return false;
    }
    switch (fn) {
        case StringFunction::startswith:
            return equal_ci(text.substr(0, part.size()), part);
        case StringFunction::endswith:
            return equal_ci(text.substr(text.size() - part.size()), part);
        case StringFunction::contains:
            return std::search(text.begin(), text.end(), part.begin(), part.end(),
                               [](char x, char y) { return fold(x) == fold(y); }) != text.end();
    }
    return false;
}

Truth truth(const FilterNode& node, std::span<const Value> cells);

const Value& operand(const FilterNode& node, std::span<const Value> cells) {
    switch (node.kind) {
        case FilterNode::Kind::literal:
            return node.literal;
        case FilterNode::Kind::column:
            return cells[node.slot];
        default:
            return truth_value(truth(node, cells));
    }
}

bool null_literal(const FilterNode& node) {
    return node.kind == FilterNode::Kind::literal && node.type == Type::null;
}

Truth compare(const FilterNode& node, std::span<const Value> cells) {
    const FilterNode& left_node = *node.children[0];
    const FilterNode& right_node = *node.children[1];
    const Value& left = operand(left_node, cells);
    const Value& right = operand(right_node, cells);
    if (null_literal(left_node) || null_literal(right_node)) {
        // `x eq null` is IS NULL and `x ne null` IS NOT NULL; ordering against null is unknown.
        bool both_null = left.is_null() && right.is_null();
        if (node.op == CompareOp::eq) {
            return from_bool(both_null);
        }
        if (node.op == CompareOp::ne) {
            return from_bool(!both_null);
        }
        return Truth::unknown;
    }
    if (left.is_null() || right.is_null()) {
        return Truth::unknown;
    }
    auto order = compare_values(left, right);
    switch (node.op) {
        case CompareOp::eq:
            return from_bool(order == 0);
        case CompareOp::ne:
            return from_bool(order != 0);
        case CompareOp::gt:
            return from_bool(order > 0);
        case CompareOp::ge:
            return from_bool(order >= 0);
        case CompareOp::lt:
            return from_bool(order < 0);
        case CompareOp::le:
            return from_bool(order <= 0);
    }
    return Truth::unknown;
}

Truth truth(const FilterNode& node, std::span<const Value> cells) {
    switch (node.kind) {
        case FilterNode::Kind::compare:
            return compare(node, cells);
        case FilterNode::Kind::logical_and: {
            Truth a = truth(*node.children[0], cells);
            if (a == Truth::no) {
                return Truth::no;
            }
            Truth b = truth(*node.children[1], cells);
            if (b == Truth::no) {
                return Truth::no;
            }
            return (a == Truth::yes && b == Truth::yes) ? Truth::yes : Truth::unknown;
        }
        case FilterNode::Kind::logical_or: {
            Truth a = truth(*node.children[0], cells);
            if (a == Truth::yes) {
                return Truth::yes;
            }
            Truth b = truth(*node.children[1], cells);
            if (b == Truth::yes) {
                return Truth::yes;
            }
            return (a == Truth::no && b == Truth::no) ? Truth::no : Truth::unknown;
        }
        case FilterNode::Kind::logical_not: {
            Truth a = truth(*node.children[0], cells);
            return a == Truth::unknown ? a : from_bool(a == Truth::no);
        }
        case FilterNode::Kind::function: {
            const Value& text = operand(*node.children[0], cells);
            const Value& part = operand(*node.children[1], cells);
            if (text.is_null() || part.is_null()) {
                return Truth::unknown;
            }
            return from_bool(string_function(node.function, text.text, part.text));
        }
        case FilterNode::Kind::literal:
        case FilterNode::Kind::column: {
            const Value& v = operand(node, cells);  // a boolean property or literal
            return v.is_null() ? Truth::unknown : from_bool(v.boolean);
        }
    }
    return Truth::unknown;
}

}  // namespace

bool evaluate(const Filter& filter, std::span<const Value> cells) {
    return truth(*filter.root, cells) == Truth::yes;
}

}  // namespace cs::p21sim
