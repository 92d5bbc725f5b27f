// /__admin/faults: the fault settings as JSON, in and out.
#include <fmt/format.h>

#include "tests/tools/p21sim/admin.hpp"

namespace cs::p21sim {

namespace {

using nlohmann::json;

Expected<std::uint64_t> count_field(const std::string& key, const json& value) {
    if (!value.is_number_integer() || value.get<std::int64_t>() < 0) {
        return make_error(ErrorCode::invalid_argument,
                          "faults: '{}' must be a non-negative integer", key);
    }
    return value.get<std::uint64_t>();
}

Expected<double> probability_field(const std::string& key, const json& value) {
    if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1) {
        return make_error(ErrorCode::invalid_argument, "faults: '{}' must be a number from 0 to 1",
                          key);
    }
    return value.get<double>();
}

}  // namespace

Status apply_fault_fields(const json& body, FaultConfig& faults, TokenService& tokens) {
    // Everything is read into copies first: a bad field changes nothing.
    FaultConfig f = faults;
    std::optional<std::int64_t> ttl;
    std::optional<std::uint64_t> max_requests;
    std::optional<bool> single_session;
    if (body.contains("clear")) {
        if (!body["clear"].is_boolean()) {
            return make_error(ErrorCode::invalid_argument, "faults: 'clear' must be true or false");
        }
        if (body["clear"].get<bool>()) {
            f = FaultConfig{};
            max_requests = 0;  // the token use limit is a fault too; the TTL is not
        }
    }
    std::pair<const char*, std::uint64_t*> counts[] = {{"error_every", &f.error_every},
                                                       {"force_429", &f.force_429},
                                                       {"truncate_page", &f.truncate_page},
                                                       {"stall_page", &f.stall_page},
                                                       {"expire_token_page", &f.expire_token_page}};
    std::pair<const char*, std::int64_t*> durations[] = {{"latency_ms", &f.latency_ms},
                                                         {"jitter_ms", &f.jitter_ms},
                                                         {"retry_after_s", &f.retry_after_s},
                                                         {"stall_ms", &f.stall_ms}};
    std::pair<const char*, double*> probabilities[] = {
        {"error_probability", &f.error_probability},
        {"truncate_probability", &f.truncate_probability}};
    for (const auto& [key, value] : body.items()) {
        bool known = key == "clear";
        for (auto& [name, field] : counts) {
            if (key == name) {
                auto n = count_field(key, value);
                if (!n) {
                    return n.error();
                }
                *field = *n;
                known = true;
            }
        }
        for (auto& [name, field] : durations) {
            if (key == name) {
                auto n = count_field(key, value);
                if (!n) {
                    return n.error();
                }
                *field = static_cast<std::int64_t>(*n);
                known = true;
            }
        }
        for (auto& [name, field] : probabilities) {
            if (key == name) {
                auto p = probability_field(key, value);
                if (!p) {
                    return p.error();
                }
                *field = *p;
                known = true;
            }
        }
        if (key == "rate_limit") {
            auto limit =
                value.is_string()
                    ? parse_rate_limit(value.get<std::string>())
                    : Expected<RateLimit>(make_error(ErrorCode::invalid_argument, "not a string"));
            if (!limit) {
                return limit.error().wrap("faults: rate_limit");
            }
            f.rate_limit = *limit;
            known = true;
        }
        if (key == "token_ttl_s" || key == "token_max_requests") {
            auto n = count_field(key, value);
            if (!n) {
                return n.error();
            }
            if (key == "token_ttl_s") {
                if (*n == 0) {
                    return make_error(ErrorCode::invalid_argument,
                                      "faults: 'token_ttl_s' must be at least 1");
                }
                ttl = static_cast<std::int64_t>(*n);
            } else {
                max_requests = *n;
            }
            known = true;
        }
        if (key == "single_session") {
            if (!value.is_boolean()) {
                return make_error(ErrorCode::invalid_argument,
                                  "faults: 'single_session' must be true or false");
            }
            single_session = value.get<bool>();
            known = true;
        }
        if (!known) {
            return make_error(ErrorCode::invalid_argument, "faults: unknown field '{}'", key);
        }
    }
    faults = f;
    if (ttl) {
        tokens.set_ttl_seconds(*ttl);
    }
    if (max_requests) {
        tokens.set_max_requests(*max_requests);
    }
    if (single_session) {
        tokens.set_single_session(*single_session);
    }
    return ok();
}

json faults_json(const Context& context) {
    FaultConfig f = context.faults.config();
    TokenConfig t = context.tokens.config();
    return {{"latency_ms", f.latency_ms},
            {"jitter_ms", f.jitter_ms},
            {"error_every", f.error_every},
            {"error_probability", f.error_probability},
            {"rate_limit", format_rate_limit(f.rate_limit)},
            {"force_429", f.force_429},
            {"retry_after_s", f.retry_after_s},
            {"truncate_page", f.truncate_page},
            {"truncate_probability", f.truncate_probability},
            {"stall_page", f.stall_page},
            {"stall_ms", f.stall_ms},
            {"expire_token_page", f.expire_token_page},
            {"token_ttl_s", t.ttl_seconds},
            {"token_max_requests", t.max_requests},
            {"single_session", t.single_session}};
}

}  // namespace cs::p21sim
