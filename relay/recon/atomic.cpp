#include "relay/recon/atomic.hpp"

#include <libpq-fe.h>

#include "common/uuid/uuid.hpp"

namespace cs::relay::recon {

Expected<Atomic> Atomic::begin(db::Connection& conn) {
    bool nested = PQtransactionStatus(conn.native()) == PQTRANS_INTRANS;
    auto r = conn.query("starting a reconciliation step", nested ? "SAVEPOINT cs_recon" : "BEGIN");
    if (!r) {
        return std::move(r).error();
    }
    return Atomic(conn, nested);
}

Atomic::~Atomic() {
    rollback();
}

void Atomic::rollback() {
    auto* conn = conn_;
    conn_ = nullptr;
    if (conn == nullptr || !conn->ok()) {
        return;
    }
    if (nested_) {
        // Leaves the caller's transaction as it was before begin().
        (void)conn->exec("rolling back a reconciliation step",
                         "ROLLBACK TO SAVEPOINT cs_recon; RELEASE SAVEPOINT cs_recon");
    } else {
        (void)conn->query("rolling back a reconciliation step", "ROLLBACK");
    }
}

Status Atomic::commit() {
    auto* conn = conn_;
    conn_ = nullptr;
    auto r = conn->query("committing a reconciliation step",
                         nested_ ? "RELEASE SAVEPOINT cs_recon" : "COMMIT");
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

Expected<bool> try_lock_tenant(db::Connection& conn, std::string_view tenant_id) {
    auto r = conn.query("taking the tenant's reconciliation lock",
                        "SELECT pg_try_advisory_xact_lock(hashtextextended("
                        "'contractsync.recon:' || $1::uuid::text, 0))",
                        db::Params().text(tenant_id));
    if (!r) {
        return std::move(r).error();
    }
    return r->boolean(0, 0);
}

Expected<std::string> canonical_uuid(std::string_view text, std::string_view what) {
    auto id = Uuid::parse(text);
    if (!id) {
        return make_error(ErrorCode::invalid_argument, "{} '{}' is not a UUID", what, text);
    }
    return id->to_string();
}

}  // namespace cs::relay::recon
