#pragma once

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::recon {

// One all-or-nothing unit of work that works whether or not the caller already
// opened a transaction: BEGIN ... COMMIT on an idle connection (the scheduler,
// tests), SAVEPOINT ... RELEASE inside the caller's transaction (an API request
// running as contractsync_tenant), so the caller's transaction stays usable
// after a failure. Rolls back on destruction unless committed.
class Atomic {
public:
    static Expected<Atomic> begin(db::Connection& conn);
    Atomic(Atomic&& other) noexcept : conn_(other.conn_), nested_(other.nested_) {
        other.conn_ = nullptr;
    }
    Atomic& operator=(Atomic&&) = delete;
    ~Atomic();

    Status commit();
    // Undoes the work now (the destructor would do it later).
    void rollback();
    // True inside the caller's transaction: effects become durable only when it commits.
    bool nested() const { return nested_; }

private:
    Atomic(db::Connection& conn, bool nested) : conn_(&conn), nested_(nested) {}
    db::Connection* conn_;
    bool nested_;
};

// Takes the tenant's reconciliation lock for the current transaction, so two
// runs of one tenant never interleave (on any relay instance). False when
// another transaction holds it.
Expected<bool> try_lock_tenant(db::Connection& conn, std::string_view tenant_id);

// Checks that `text` is a UUID and returns it in canonical lowercase form;
// `what` names it in the error ("exception id").
Expected<std::string> canonical_uuid(std::string_view text, std::string_view what);

}  // namespace cs::relay::recon
