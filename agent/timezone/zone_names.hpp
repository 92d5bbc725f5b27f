#pragma once

#include <optional>
#include <string_view>

#include "common/base/expected.hpp"

namespace date {
class time_zone;
}

namespace cs::agent::timezone {

// A time zone as the config names it: an IANA name (America/Chicago), or a
// Windows zone name (Central Standard Time, as Windows' own settings and
// tzutil show it), which means the IANA zone CLDR maps it to for the world
// ("001"). "UTC" and "Etc/UTC" are UTC. Looked up once, at configuration
// time; the error names the zone and says what is accepted.
Expected<const date::time_zone*> locate(std::string_view name);

// The IANA zone CLDR gives a Windows zone name (case-insensitive), if any.
std::optional<std::string_view> iana_for_windows_zone(std::string_view windows_name);

}  // namespace cs::agent::timezone
