#pragma once

namespace cs::agent::platform {

// Makes the tz database ready before any zone is looked up; call first in
// main. POSIX: the system's own (/usr/share/zoneinfo), nothing to do.
// Windows, which has no IANA database: the text database installed beside
// the executable in tzdata\ (IANA rules plus CLDR's windowsZones.xml), or the
// folder CONTRACTSYNC_TZDATA_DIR names; the date library reads it on first use.
void prepare_time_zones();

}  // namespace cs::agent::platform
