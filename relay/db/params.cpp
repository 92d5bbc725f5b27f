#include "relay/db/params.hpp"

#include <string>

namespace cs::relay::db {

Params& Params::text(std::string_view value) {
    values_.emplace_back(value);
    nulls_.push_back(false);
    lengths_.push_back(static_cast<int>(value.size()));
    formats_.push_back(0);
    return *this;
}

Params& Params::optional_text(const std::optional<std::string>& value) {
    return value ? text(*value) : null();
}

Params& Params::integer(std::int64_t value) {
    return text(std::to_string(value));
}

Params& Params::boolean(bool value) {
    return text(value ? "true" : "false");
}

Params& Params::bytea(std::string_view value) {
    values_.emplace_back(value);
    nulls_.push_back(false);
    lengths_.push_back(static_cast<int>(value.size()));
    formats_.push_back(1);
    return *this;
}

Params& Params::null() {
    values_.emplace_back();
    nulls_.push_back(true);
    lengths_.push_back(0);
    formats_.push_back(0);
    return *this;
}

std::vector<const char*> Params::pointers() const {
    std::vector<const char*> out;
    out.reserve(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) {
        out.push_back(nulls_[i] ? nullptr : values_[i].data());
    }
    return out;
}

}  // namespace cs::relay::db
