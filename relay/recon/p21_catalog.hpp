#pragma once

#include <cstdint>
#include <string_view>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::recon {

struct CatalogRefresh {
    bool full = false;         // rebuilt from records rather than from change_log
    std::int64_t changed = 0;  // records read (incremental) or rows written (full)
    std::int64_t streams = 0;  // streams whose marks advanced
};

// Brings the tenant's P21 catalog (recon_p21_items, _units, _costs, _suppliers)
// up to date with its synced records. Incremental: for each of the tenant's
// streams, the change_log rows past the catalog's mark (recon_p21_marks) up to
// the stream's last applied sequence, whose records are re-read and upserted;
// exact, since a stream's sequences commit in order. Rebuilt from records when
// the tenant has no marks yet, when change_log rows it needs were pruned, or
// when `force_full`. Runs inside the caller's unit of work (run() calls it
// first); idempotent.
Expected<CatalogRefresh> refresh_p21_catalog(db::Connection& conn, std::string_view tenant_id,
                                             bool force_full = false);

}  // namespace cs::relay::recon
