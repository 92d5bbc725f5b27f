// Recursive-descent parser for OData $filter, binding names and types as it goes.
// Precedence, loosest first: or, and, comparisons (eq ne gt ge lt le), not.
#include <array>

#include "tests/tools/p21sim/filter.hpp"
#include "tests/tools/p21sim/filter_lexer.hpp"

namespace cs::p21sim {

namespace {

using Node = FilterNode;
using NodePtr = std::unique_ptr<FilterNode>;
using Kind = FilterToken::Kind;

// OData functions P21 does not support answer 404, like any other unknown function.
constexpr std::array kCompareOps = {std::pair{"eq", CompareOp::eq}, std::pair{"ne", CompareOp::ne},
                                    std::pair{"gt", CompareOp::gt}, std::pair{"ge", CompareOp::ge},
                                    std::pair{"lt", CompareOp::lt}, std::pair{"le", CompareOp::le}};
constexpr std::array kUnsupportedOps = {"add", "sub", "mul", "div", "divby", "mod", "has", "in"};

std::string_view op_kind_name(CompareOp op) {
    switch (op) {
        case CompareOp::eq:
            return "Equal";
        case CompareOp::ne:
            return "NotEqual";
        case CompareOp::gt:
            return "GreaterThan";
        case CompareOp::ge:
            return "GreaterThanOrEqual";
        case CompareOp::lt:
            return "LessThan";
        case CompareOp::le:
            return "LessThanOrEqual";
    }
    return "Equal";
}

bool is_numeric(Type t) {
    return t == Type::integer || t == Type::decimal;
}

bool comparable(Type a, Type b) {
    return a == Type::null || b == Type::null || a == b || (is_numeric(a) && is_numeric(b));
}

class Parser {
public:
    Parser(std::vector<FilterToken> tokens, const TableSchema& schema, const TimeZone& zone)
        : tokens_(std::move(tokens)), schema_(schema), zone_(zone) {}

    Expected<Filter> parse() {
        auto root = parse_or();
        if (!root) {
            return root.error();
        }
        if (peek().kind != Kind::end) {
            return syntax("expected 'and', 'or' or the end of the expression");
        }
        if ((*root)->type != Type::boolean) {
            return make_error(ErrorCode::invalid_argument,
                              "$filter: the expression must evaluate to a single boolean value, "
                              "found {}",
                              edm_name((*root)->type));
        }
        Filter filter;
        filter.root = std::move(*root);
        filter.columns = std::move(columns_);
        return filter;
    }

private:
    const FilterToken& peek() const { return tokens_[pos_]; }
    const FilterToken& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
    bool peek_word(std::string_view word) const {
        return peek().kind == Kind::identifier && peek().text == word;
    }

    Error syntax(std::string_view reason) const {
        return make_error(ErrorCode::parse_error, "$filter: syntax error at position {}: {}",
                          peek().position, reason);
    }

    Expected<NodePtr> make(Node::Kind kind, Type type) {
        if (++nodes_ > kMaxFilterNodes) {
            return make_error(ErrorCode::limit_exceeded,
                              "$filter: the query is too complex (more than {} terms)",
                              kMaxFilterNodes);
        }
        auto node = std::make_unique<Node>();
        node->kind = kind;
        node->type = type;
        return node;
    }

    Expected<NodePtr> logical(Node::Kind kind, NodePtr left, NodePtr right) {
        for (const NodePtr* side : {&left, &right}) {
            if (*side && (*side)->type != Type::boolean) {
                return make_error(ErrorCode::invalid_argument,
                                  "$filter: '{}' needs boolean operands, found {}",
                                  kind == Node::Kind::logical_and
                                      ? "and"
                                      : (kind == Node::Kind::logical_or ? "or" : "not"),
                                  edm_name((*side)->type));
            }
        }
        auto node = make(kind, Type::boolean);
        if (!node) {
            return node;
        }
        (*node)->children.push_back(std::move(left));
        if (right) {
            (*node)->children.push_back(std::move(right));
        }
        return node;
    }

    Expected<NodePtr> parse_or() {
        if (++depth_ > kMaxFilterDepth) {
            return make_error(ErrorCode::limit_exceeded,
                              "$filter: the query is too complex (nested deeper than {})",
                              kMaxFilterDepth);
        }
        auto left = parse_and();
        while (left && peek_word("or")) {
            next();
            auto right = parse_and();
            if (!right) {
                return right;
            }
            left = logical(Node::Kind::logical_or, std::move(*left), std::move(*right));
        }
        --depth_;
        return left;
    }

    Expected<NodePtr> parse_and() {
        auto left = parse_comparison();
        while (left && peek_word("and")) {
            next();
            auto right = parse_comparison();
            if (!right) {
                return right;
            }
            left = logical(Node::Kind::logical_and, std::move(*left), std::move(*right));
        }
        return left;
    }

    Expected<NodePtr> parse_comparison() {
        auto left = parse_unary();
        if (!left || peek().kind != Kind::identifier) {
            return left;
        }
        for (auto [word, op] : kCompareOps) {
            if (peek().text == word) {
                next();
                auto right = parse_unary();
                if (!right) {
                    return right;
                }
                return compare(op, std::move(*left), std::move(*right));
            }
        }
        for (const char* word : kUnsupportedOps) {
            if (peek().text == word) {
                return make_error(ErrorCode::invalid_argument,
                                  "$filter: the operator '{}' is not supported", word);
            }
        }
        return left;
    }

    Expected<NodePtr> compare(CompareOp op, NodePtr left, NodePtr right) {
        if (!comparable(left->type, right->type)) {
            return make_error(ErrorCode::invalid_argument,
                              "$filter: a binary operator with incompatible types was detected. "
                              "Found operand types '{}' and '{}' for operator kind '{}'.",
                              edm_name(left->type), edm_name(right->type), op_kind_name(op));
        }
        auto node = make(Node::Kind::compare, Type::boolean);
        if (!node) {
            return node;
        }
        (*node)->op = op;
        (*node)->children.push_back(std::move(left));
        (*node)->children.push_back(std::move(right));
        return node;
    }

    Expected<NodePtr> parse_unary() {
        if (peek_word("not")) {
            next();
            if (++depth_ > kMaxFilterDepth) {
                return make_error(ErrorCode::limit_exceeded,
                                  "$filter: the query is too complex (nested deeper than {})",
                                  kMaxFilterDepth);
            }
            auto operand = parse_unary();
            --depth_;
            if (!operand) {
                return operand;
            }
            return logical(Node::Kind::logical_not, std::move(*operand), nullptr);
        }
        return parse_primary();
    }

    Expected<NodePtr> parse_primary() {
        const FilterToken& token = peek();
        switch (token.kind) {
            case Kind::open: {
                next();
                auto inner = parse_or();
                if (!inner) {
                    return inner;
                }
                if (peek().kind != Kind::close) {
                    return syntax("expected ')'");
                }
                next();
                return inner;
            }
            case Kind::string: {
                auto node = make(Node::Kind::literal, Type::string);
                if (node) {
                    (*node)->literal.set_string(next().text);
                }
                return node;
            }
            case Kind::number:
                return number_literal(next().text);
            case Kind::datetime: {
                auto ms = parse_datetime(token.text, zone_);
                if (!ms) {
                    return ms.error().wrap("$filter");
                }
                next();
                auto node = make(Node::Kind::literal, Type::datetime);
                if (node) {
                    (*node)->literal.set_datetime(*ms);
                }
                return node;
            }
            case Kind::identifier:
                return identifier();
            case Kind::end:
                return syntax("expression expected");
            default:
                return syntax("expected a property, literal, function or '('");
        }
    }

    Expected<NodePtr> number_literal(const std::string& text) {
        bool integral = text.find_first_of(".eE") == std::string::npos;
        if (integral && text.size() < 18) {
            auto node = make(Node::Kind::literal, Type::integer);
            if (node) {
                (*node)->literal.set_int(std::stoll(text));
            }
            return node;
        }
        auto decimal = Decimal::parse(text);
        if (!decimal) {
            return make_error(ErrorCode::parse_error, "$filter: '{}' is not a valid number", text);
        }
        auto node = make(Node::Kind::literal, Type::decimal);
        if (node) {
            (*node)->literal.set_decimal(*decimal);
        }
        return node;
    }

    Expected<NodePtr> identifier() {
        std::string name = next().text;
        if (peek().kind == Kind::open) {
            return function(name);
        }
        if (name == "null" || name == "true" || name == "false") {
            auto node = make(Node::Kind::literal, name == "null" ? Type::null : Type::boolean);
            if (node && name != "null") {
                (*node)->literal.set_bool(name == "true");
            }
            return node;
        }
        auto column = schema_.find(name);
        if (!column) {
            return make_error(ErrorCode::invalid_argument,
                              "$filter: could not find a property named '{}' on type '{}'", name,
                              schema_.name);
        }
        auto node = make(Node::Kind::column, schema_.columns[*column].type);
        if (!node) {
            return node;
        }
        (*node)->column = *column;
        (*node)->slot = slot_of(*column);
        return node;
    }

    std::size_t slot_of(std::size_t column) {
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            if (columns_[i] == column) {
                return i;
            }
        }
        columns_.push_back(column);
        return columns_.size() - 1;
    }

    Expected<NodePtr> function(const std::string& name) {
        StringFunction fn;
        if (name == "startswith") {
            fn = StringFunction::startswith;
        } else if (name == "endswith") {
            fn = StringFunction::endswith;
        } else if (name == "contains") {
            fn = StringFunction::contains;
        } else {
            return make_error(ErrorCode::not_found,
                              "$filter: the function '{}' is not supported by this service", name);
        }
        next();  // '('
        auto node = make(Node::Kind::function, Type::boolean);
        if (!node) {
            return node;
        }
        (*node)->function = fn;
        while (true) {
            auto arg = parse_or();
            if (!arg) {
                return arg;
            }
            (*node)->children.push_back(std::move(*arg));
            if (peek().kind == Kind::comma) {
                next();
                continue;
            }
            if (peek().kind != Kind::close) {
                return syntax("expected ',' or ')' in the argument list");
            }
            next();
            break;
        }
        const auto& args = (*node)->children;
        bool strings = args.size() == 2;
        for (const auto& arg : args) {
            strings = strings && (arg->type == Type::string || arg->type == Type::null);
        }
        if (!strings) {
            return make_error(ErrorCode::invalid_argument,
                              "$filter: no function signature for '{}' matches the arguments; "
                              "it takes two strings",
                              name);
        }
        return node;
    }

    std::vector<FilterToken> tokens_;
    const TableSchema& schema_;
    const TimeZone& zone_;
    std::vector<std::size_t> columns_;
    std::size_t pos_ = 0;
    std::size_t nodes_ = 0;
    std::size_t depth_ = 0;
};

}  // namespace

Expected<Filter> parse_filter(std::string_view text, const TableSchema& schema,
                              const TimeZone& zone) {
    if (text.size() > kMaxFilterLength) {
        return make_error(ErrorCode::limit_exceeded,
                          "$filter: the query is too complex ({} characters, at most {})",
                          text.size(), kMaxFilterLength);
    }
    auto tokens = tokenize_filter(text);
    if (!tokens) {
        return tokens.error();
    }
    return Parser(std::move(*tokens), schema, zone).parse();
}

}  // namespace cs::p21sim
