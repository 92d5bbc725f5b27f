#pragma once

#include "tests/common/net/http_get.hpp"

namespace cs::agent::metrics::testing {

using net::testing::http_exchange;
using net::testing::http_get;

}  // namespace cs::agent::metrics::testing
