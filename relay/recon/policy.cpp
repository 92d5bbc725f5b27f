#include "relay/recon/policy.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "relay/recon/atomic.hpp"
#include "relay/recon/sql_util.hpp"

namespace cs::relay::recon {
namespace {

using json = nlohmann::json;

constexpr std::string_view kMaxTolerance = "1000000";

Expected<std::optional<Decimal>> optional_decimal(const db::Result& r, int column,
                                                  std::string_view what) {
    if (r.is_null(0, column)) {
        return std::optional<Decimal>();
    }
    auto d = Decimal::parse(r.text(0, column));
    if (!d) {
        return std::move(d).error().wrap(what);
    }
    return std::optional<Decimal>(*d);
}

Status validate(const Policy& p) {
    auto max = Decimal::parse(kMaxTolerance).value();
    for (const auto& [name, value] : {std::pair{"abs_tolerance", p.abs_tolerance},
                                      std::pair{"pct_tolerance", p.pct_tolerance}}) {
        if (value && (value->sign() < 0 || *value > max)) {
            return make_error(ErrorCode::invalid_argument, "{}: {} is outside 0..{}", name,
                              value->to_string(), kMaxTolerance);
        }
    }
    if (p.high_severity_pct.sign() < 0 || p.high_severity_pct > max) {
        return make_error(ErrorCode::invalid_argument, "high_severity_pct: {} is outside 0..{}",
                          p.high_severity_pct.to_string(), kMaxTolerance);
    }
    if (p.tolerance_mode != "any" && p.tolerance_mode != "all") {
        return make_error(ErrorCode::invalid_argument,
                          "tolerance_mode: '{}' is neither 'any' nor 'all'", p.tolerance_mode);
    }
    bool currency_ok =
        p.currency.size() == 3 && std::all_of(p.currency.begin(), p.currency.end(),
                                              [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!currency_ok) {
        return make_error(ErrorCode::invalid_argument,
                          "currency: '{}' is not a three-letter code such as USD", p.currency);
    }
    if (p.schedule_minutes && (*p.schedule_minutes < 5 || *p.schedule_minutes > 527'040)) {
        return make_error(ErrorCode::invalid_argument,
                          "schedule_minutes: {} is outside 5..527040 (a year)",
                          *p.schedule_minutes);
    }
    if (p.settle_seconds < 0 || p.settle_seconds > 86'400) {
        return make_error(ErrorCode::invalid_argument, "settle_seconds: {} is outside 0..86400",
                          p.settle_seconds);
    }
    return ok();
}

json decimal_json(const std::optional<Decimal>& d) {
    return d ? json(d->to_string()) : json();
}

Expected<std::optional<Decimal>> decimal_from(const json& value, std::string_view key) {
    if (value.is_null()) {
        return std::optional<Decimal>();
    }
    if (!value.is_string()) {
        return make_error(ErrorCode::invalid_argument,
                          "{}: write decimals as strings (\"0.05\") so they stay exact, or null",
                          key);
    }
    auto d = Decimal::parse(value.get<std::string>());
    if (!d) {
        return make_error(ErrorCode::invalid_argument, "{}: {}", key, d.error().message);
    }
    return std::optional<Decimal>(*d);
}

}  // namespace

Expected<Policy> get_policy(db::Connection& conn, std::string_view tenant_id) {
    auto r =
        conn.query("reading the reconciliation policy",
                   "SELECT abs_tolerance, pct_tolerance, tolerance_mode, high_severity_pct, "
                   "currency, auto_approve_exact, auto_run, schedule_minutes, settle_seconds, " +
                       sql::iso("updated_at") +
                       ", coalesce(updated_by::text, '') FROM recon_policies WHERE tenant_id "
                       "= $1::uuid",
                   db::Params().text(tenant_id));
    if (!r) {
        return std::move(r).error();
    }
    Policy p;
    if (r->rows() == 0) {
        return p;
    }
    auto abs = optional_decimal(*r, 0, "abs_tolerance");
    auto pct = optional_decimal(*r, 1, "pct_tolerance");
    auto high = Decimal::parse(r->text(0, 3));
    if (!abs || !pct || !high) {
        return make_error(ErrorCode::internal, "the stored reconciliation policy is unreadable");
    }
    p.abs_tolerance = *abs;
    p.pct_tolerance = *pct;
    p.tolerance_mode = sql::text(*r, 0, 2);
    p.high_severity_pct = *high;
    p.currency = sql::text(*r, 0, 4);
    p.auto_approve_exact = r->boolean(0, 5);
    p.auto_run = r->boolean(0, 6);
    p.schedule_minutes =
        r->is_null(0, 7) ? std::nullopt : std::optional<int>(static_cast<int>(r->integer(0, 7)));
    p.settle_seconds = static_cast<int>(r->integer(0, 8));
    p.updated_at = sql::text(*r, 0, 9);
    p.updated_by = sql::text(*r, 0, 10);
    return p;
}

Expected<AuditRecord> update_policy(db::Connection& conn, std::string_view tenant_id,
                                    const Policy& policy, const Actor& actor) {
    if (auto s = validate(policy); !s) {
        return std::move(s).error();
    }
    auto unit = Atomic::begin(conn);
    if (!unit) {
        return std::move(unit).error();
    }
    auto before = get_policy(conn, tenant_id);
    if (!before) {
        return std::move(before).error();
    }
    auto opt = [](const std::optional<Decimal>& d) {
        return d ? std::optional<std::string>(d->to_string()) : std::nullopt;
    };
    auto r = conn.query(
        "storing the reconciliation policy", R"sql(
        INSERT INTO recon_policies AS p (tenant_id, abs_tolerance, pct_tolerance, tolerance_mode,
            high_severity_pct, currency, auto_approve_exact, auto_run, schedule_minutes,
            settle_seconds, updated_at, updated_by)
        VALUES ($1::uuid, $2::numeric, $3::numeric, $4, $5::numeric, $6, $7::boolean,
                $8::boolean, $9::int, $10::int, now(), nullif($11, '')::uuid)
        ON CONFLICT (tenant_id) DO UPDATE SET
            abs_tolerance = EXCLUDED.abs_tolerance, pct_tolerance = EXCLUDED.pct_tolerance,
            tolerance_mode = EXCLUDED.tolerance_mode, high_severity_pct = EXCLUDED.high_severity_pct,
            currency = EXCLUDED.currency, auto_approve_exact = EXCLUDED.auto_approve_exact,
            auto_run = EXCLUDED.auto_run, schedule_minutes = EXCLUDED.schedule_minutes,
            settle_seconds = EXCLUDED.settle_seconds, updated_at = now(),
            updated_by = EXCLUDED.updated_by)sql",
        db::Params()
            .text(tenant_id)
            .optional_text(opt(policy.abs_tolerance))
            .optional_text(opt(policy.pct_tolerance))
            .text(policy.tolerance_mode)
            .text(policy.high_severity_pct.to_string())
            .text(policy.currency)
            .boolean(policy.auto_approve_exact)
            .boolean(policy.auto_run)
            .optional_text(policy.schedule_minutes ? std::optional<std::string>(
                                                         std::to_string(*policy.schedule_minutes))
                                                   : std::nullopt)
            .integer(policy.settle_seconds)
            .text(actor.user_id));
    if (!r) {
        return std::move(r).error();
    }
    if (auto s = sql::mark_inputs_changed(conn, tenant_id); !s) {
        return std::move(s).error();
    }
    auto after = get_policy(conn, tenant_id);
    if (!after) {
        return std::move(after).error();
    }
    if (auto s = unit->commit(); !s) {
        return std::move(s).error();
    }
    return AuditRecord{"recon.policy.update", "recon_policy", std::string(tenant_id),
                       to_json(*before), to_json(*after)};
}

json to_json(const Policy& p) {
    return {{"abs_tolerance", decimal_json(p.abs_tolerance)},
            {"pct_tolerance", decimal_json(p.pct_tolerance)},
            {"tolerance_mode", p.tolerance_mode},
            {"high_severity_pct", p.high_severity_pct.to_string()},
            {"currency", p.currency},
            {"auto_approve_exact", p.auto_approve_exact},
            {"auto_run", p.auto_run},
            {"schedule_minutes", p.schedule_minutes ? json(*p.schedule_minutes) : json()},
            {"settle_seconds", p.settle_seconds},
            {"updated_at", p.updated_at.empty() ? json() : json(p.updated_at)},
            {"updated_by", p.updated_by.empty() ? json() : json(p.updated_by)}};
}

Expected<Policy> policy_from_json(const json& patch, Policy p) {
    if (!patch.is_object()) {
        return make_error(ErrorCode::invalid_argument, "the policy must be a JSON object");
    }
    for (const auto& [key, value] : patch.items()) {
        auto type_error = [&](std::string_view want) {
            return make_error(ErrorCode::invalid_argument, "{}: expected {}", key, want);
        };
        if (key == "abs_tolerance" || key == "pct_tolerance") {
            auto d = decimal_from(value, key);
            if (!d) {
                return std::move(d).error();
            }
            (key == "abs_tolerance" ? p.abs_tolerance : p.pct_tolerance) = *d;
        } else if (key == "high_severity_pct") {
            auto d = decimal_from(value, key);
            if (!d || !*d) {
                return d ? type_error("a decimal string") : std::move(d).error();
            }
            p.high_severity_pct = **d;
        } else if (key == "tolerance_mode" || key == "currency") {
            if (!value.is_string()) {
                return type_error("a string");
            }
            (key == "currency" ? p.currency : p.tolerance_mode) = value.get<std::string>();
        } else if (key == "auto_approve_exact" || key == "auto_run") {
            if (!value.is_boolean()) {
                return type_error("true or false");
            }
            (key == "auto_run" ? p.auto_run : p.auto_approve_exact) = value.get<bool>();
        } else if (key == "schedule_minutes") {
            if (value.is_null()) {
                p.schedule_minutes.reset();
            } else if (value.is_number_integer()) {
                p.schedule_minutes = value.get<int>();
            } else {
                return type_error("a whole number of minutes or null");
            }
        } else if (key == "settle_seconds") {
            if (!value.is_number_integer()) {
                return type_error("a whole number of seconds");
            }
            p.settle_seconds = value.get<int>();
        } else if (key == "updated_at" || key == "updated_by") {
            continue;  // read only; echoing a fetched policy back is fine
        } else {
            return make_error(ErrorCode::invalid_argument,
                              "{}: unknown key (expected abs_tolerance, pct_tolerance, "
                              "tolerance_mode, high_severity_pct, currency, auto_approve_exact, "
                              "auto_run, schedule_minutes, settle_seconds)",
                              key);
        }
    }
    if (auto s = validate(p); !s) {
        return std::move(s).error();
    }
    return p;
}

Expected<std::vector<VendorLink>> list_vendor_links(db::Connection& conn,
                                                    std::string_view tenant_id) {
    auto r = conn.query("listing vendor links", R"sql(
        WITH missing AS (
            SELECT vendor_id, count(*) AS n,
                   bool_or(details->>'supplier_known' = 'false') AS unknown
            FROM recon_exceptions
            WHERE tenant_id = $1::uuid AND rule = 'MISSING_MAPPING' AND status = 'open'
            GROUP BY vendor_id),
        vendors AS (
            SELECT coalesce(l.vendor_id, m.vendor_id) AS vendor_id,
                   coalesce(l.supplier_id, '') AS supplier_id, coalesce(m.n, 0) AS n,
                   coalesce(m.unknown, false) AS unknown
            FROM (SELECT vendor_id, supplier_id FROM recon_vendors
                  WHERE tenant_id = $1::uuid) l
            FULL JOIN missing m ON m.vendor_id = l.vendor_id)
        SELECT v.vendor_id, v.supplier_id, coalesce(s.supplier_name, ''), v.n, v.unknown
        FROM vendors v
        LEFT JOIN LATERAL (
            SELECT p.supplier_name FROM recon_p21_suppliers p
            WHERE p.tenant_id = $1::uuid AND p.supplier_id = v.supplier_id
              AND v.supplier_id <> '' AND p.supplier_name IS NOT NULL
            ORDER BY p.active DESC LIMIT 1) s ON true
        ORDER BY v.vendor_id)sql",
                        db::Params().text(tenant_id));
    if (!r) {
        return std::move(r).error();
    }
    std::vector<VendorLink> out;
    for (int i = 0; i < r->rows(); ++i) {
        out.push_back({sql::text(*r, i, 0), sql::text(*r, i, 1), sql::text(*r, i, 2),
                       r->integer(i, 3), r->boolean(i, 4)});
    }
    return out;
}

Expected<AuditRecord> set_vendor_link(db::Connection& conn, std::string_view tenant_id,
                                      std::string_view vendor_id, std::string_view supplier_id) {
    std::string vendor;
    for (char c : vendor_id) {
        vendor.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    if (vendor.empty() || vendor.size() > 200 || supplier_id.size() > 200) {
        return make_error(ErrorCode::invalid_argument,
                          "a vendor link needs a vendor id of 1-200 bytes and a supplier id of at "
                          "most 200");
    }
    auto unit = Atomic::begin(conn);
    if (!unit) {
        return std::move(unit).error();
    }
    auto old = conn.query("reading a vendor link",
                          "SELECT supplier_id FROM recon_vendors WHERE tenant_id = $1::uuid AND "
                          "vendor_id = $2",
                          db::Params().text(tenant_id).text(vendor));
    if (!old) {
        return std::move(old).error();
    }
    json before =
        old->rows() > 0 ? json{{"vendor_id", vendor}, {"supplier_id", old->text(0, 0)}} : json();
    auto r = supplier_id.empty()
                 ? conn.query("removing a vendor link",
                              "DELETE FROM recon_vendors WHERE tenant_id = $1::uuid AND vendor_id "
                              "= $2",
                              db::Params().text(tenant_id).text(vendor))
                 : conn.query("storing a vendor link", R"sql(
                       INSERT INTO recon_vendors (tenant_id, vendor_id, supplier_id)
                       VALUES ($1::uuid, $2, $3)
                       ON CONFLICT (tenant_id, vendor_id) DO UPDATE
                           SET supplier_id = EXCLUDED.supplier_id, updated_at = now())sql",
                              db::Params().text(tenant_id).text(vendor).text(supplier_id));
    if (!r) {
        return std::move(r).error();
    }
    if (auto s = sql::mark_inputs_changed(conn, tenant_id); !s) {
        return std::move(s).error();
    }
    if (auto s = unit->commit(); !s) {
        return std::move(s).error();
    }
    json after =
        supplier_id.empty() ? json() : json{{"vendor_id", vendor}, {"supplier_id", supplier_id}};
    return AuditRecord{supplier_id.empty() ? "recon.vendor_link.delete" : "recon.vendor_link.set",
                       "recon_vendor_link", vendor, std::move(before), std::move(after)};
}

}  // namespace cs::relay::recon
