#pragma once

#include <string>
#include <string_view>

// The pieces of the Prometheus text exposition format (version 0.0.4) that
// both programs' /metrics pages write.
namespace cs::net {

// A label value as it goes between the quotes: '\', '"' and newline escaped.
std::string escape_label_value(std::string_view value);

// A sample value: integers without a fraction (below 1e15), "+Inf", "-Inf",
// "NaN", and otherwise the shortest text that reads back as the same double.
std::string format_sample_value(double value);

}  // namespace cs::net
