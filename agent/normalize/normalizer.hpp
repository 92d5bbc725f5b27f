#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "agent/normalize/field_spec.hpp"
#include "agent/normalize/time_zone.hpp"
#include "common/base/expected.hpp"
#include "common/rows/raw_batch.hpp"
#include "common/value/value.hpp"

namespace cs::agent {

// Why one row could not be normalized. The pipeline adds the source, line and
// raw row and sends it to the failed-rows store.
struct RowError {
    std::string stage;  // "normalize" (strings/numbers/dates/type), "map" (strict map), "validate"
    std::string field;  // the declared field name
    std::string message;  // e.g. "'12,5x' is not a number: unexpected 'x'"
    std::string value;    // the offending raw cell text, as the source had it
};

// Normalizes rows of one source: raw cells in, one typed Value per declared
// field out. Holds scratch buffers and a time zone cache, so use one per
// thread; rows allocate nothing beyond the string values they produce.
class Normalizer {
public:
    // Binds field specs to a source's column names, once per source. Columns
    // match by exact name, else uniquely ignoring ASCII case and surrounding
    // spaces. A missing column is an error for a required field without a
    // default; other fields read as null (then default) and are listed by
    // missing_columns() so the pipeline can warn.
    static Expected<Normalizer> bind(std::span<const FieldSpec> fields,
                                     const std::vector<std::string>& columns);

    // Fills `out` with one Value per field, in field order (resizing it; reuse
    // the vector across rows). On failure returns false with `error` set; `out`
    // is then partly filled and must not be used.
    bool normalize(std::span<const RawCell> cells, std::vector<Value>& out, RowError& error);

    const std::vector<FieldSpec>& fields() const { return fields_; }
    // "'Disc %' (field discount)" for each optional field whose column is absent.
    const std::vector<std::string>& missing_columns() const { return missing_; }

private:
    struct Slot {
        std::ptrdiff_t column = -1;         // -1: constant field or column absent
        StringOptions strings;              // the field's, with trim forced for parsed types
        std::optional<bool> empty_boolean;  // "" is one of the field's boolean words
        normalize::ZoneConverter zone;
    };

    Normalizer() = default;
    bool normalize_field(std::size_t index, std::span<const RawCell> cells, Value& out,
                         RowError& error);
    bool fail(std::size_t index, std::string_view stage, std::string message, std::string_view raw,
              RowError& error) const;

    std::vector<FieldSpec> fields_;
    std::vector<Slot> slots_;
    std::vector<std::string> missing_;
    std::string scratch_[2];  // ping-pong buffers for the strings layer and transforms
    std::string why_;
};

}  // namespace cs::agent
