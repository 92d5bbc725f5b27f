#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs::relay::db {

// Query parameters for PQexecParams. Values are copied, so temporaries are safe;
// the SQL casts each placeholder ($1::uuid) so no type OIDs are needed.
class Params {
public:
    Params& text(std::string_view value);
    Params& optional_text(const std::optional<std::string>& value);
    Params& integer(std::int64_t value);
    Params& boolean(bool value);
    // Raw bytes for a bytea parameter (sent in binary format, no escaping).
    Params& bytea(std::string_view value);
    Params& null();

    int size() const { return static_cast<int>(values_.size()); }
    // Pointer arrays for libpq, valid until the next change to this object.
    std::vector<const char*> pointers() const;
    const std::vector<int>& lengths() const { return lengths_; }
    const std::vector<int>& formats() const { return formats_; }

private:
    std::vector<std::string> values_;
    std::vector<bool> nulls_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
};

}  // namespace cs::relay::db
