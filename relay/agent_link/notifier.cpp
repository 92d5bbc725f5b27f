#include "relay/agent_link/notifier.hpp"

#include <algorithm>
#include <chrono>

#include <poll.h>
#include <spdlog/spdlog.h>

#include "relay/agent_link/protocol/frame.hpp"
#include "relay/agent_link/site_store.hpp"
#include "relay/sites/sites.hpp"

namespace cs::relay::agent_link {
namespace {

// Wakes up this often to notice stop() and to re-check keys as a safety net.
constexpr int kPollMillis = 500;
constexpr auto kRevalidateEvery = std::chrono::seconds(30);

}  // namespace

Notifier::Notifier(db::ConnectOptions options, SessionRegistry& registry,
                   metrics::RelayMetrics& metrics)
    : options_(std::move(options)), registry_(registry), metrics_(metrics) {
    options_.application_name = "contractsync-relay notifier";
    options_.statement_timeout = std::chrono::seconds(30);
}

Notifier::~Notifier() {
    stop();
}

void Notifier::start() {
    thread_ = std::thread([this] { run(); });
}

void Notifier::stop() {
    stop_ = true;
    if (thread_.joinable()) {
        thread_.join();
    }
}

bool Notifier::listen(db::Connection& conn) {
    auto r = conn.exec("listening for site events",
                       fmt::format("LISTEN {}; LISTEN {}; LISTEN {}", store::kTakeoverChannel,
                                   sites::kKeyChangedChannel, store::kCommandChannel));
    if (!r) {
        spdlog::warn("notifier: {}", r.error().message);
        return false;
    }
    return true;
}

void Notifier::run() {
    auto backoff = std::chrono::seconds(1);
    while (!stop_) {
        auto conn = db::Connection::open(options_);
        if (!conn || !listen(**conn)) {
            if (!conn) {
                spdlog::warn("notifier: {}; retrying in {} s", conn.error().message,
                             backoff.count());
            }
            for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stop_;
                 waited += std::chrono::milliseconds(kPollMillis)) {
                std::this_thread::sleep_for(std::chrono::milliseconds(kPollMillis));
            }
            backoff = std::min(backoff * 2, std::chrono::seconds(30));
            continue;
        }
        backoff = std::chrono::seconds(1);
        revalidate_keys(**conn);
        // Commands announced while the listener was away are sent now.
        for (const auto& session : registry_.current_all()) {
            session->poll_commands();
        }
        auto last_check = std::chrono::steady_clock::now();
        auto* pg = (*conn)->native();
        while (!stop_ && (*conn)->ok()) {
            pollfd fd{(*conn)->socket(), POLLIN, 0};
            int ready = ::poll(&fd, 1, kPollMillis);
            if (ready > 0 && PQconsumeInput(pg) == 0) {
                spdlog::warn("notifier: connection lost: {}", PQerrorMessage(pg));
                break;
            }
            while (PGnotify* n = PQnotifies(pg)) {
                std::string channel = n->relname;
                std::string payload = n->extra;
                PQfreemem(n);
                if (channel == store::kTakeoverChannel) {
                    on_takeover(payload);
                } else if (channel == sites::kKeyChangedChannel) {
                    on_key_changed(**conn, payload);
                } else if (channel == store::kCommandChannel) {
                    if (auto session = registry_.current(payload)) {
                        session->poll_commands();
                    }
                }
            }
            if (std::chrono::steady_clock::now() - last_check > kRevalidateEvery) {
                revalidate_keys(**conn);
                last_check = std::chrono::steady_clock::now();
            }
        }
    }
}

void Notifier::on_takeover(const std::string& payload) {
    auto space = payload.find(' ');
    if (space == std::string::npos) {
        return;
    }
    auto site_id = payload.substr(0, space);
    auto newer = payload.substr(space + 1);
    auto session = registry_.current(site_id);
    // Our own announcement comes back to us too: never close the newer session.
    if (session && session->session_id() != newer) {
        spdlog::info("site {}: a newer connection arrived on another instance; closing session {}",
                     site_id, session->session_id());
        metrics_.sessions_replaced.inc();
        session->request_close(close_code::replaced,
                               "replaced by a newer connection for the same site");
    }
}

void Notifier::on_key_changed(db::Connection& conn, const std::string& site_id) {
    auto session = registry_.current(site_id);
    if (!session) {
        return;
    }
    auto keys = sites::active_key_ids(conn, session->tenant_id(), site_id);
    if (!keys) {
        // Cannot tell: the periodic re-check will decide.
        spdlog::warn("notifier: {}", keys.error().message);
        return;
    }
    if (std::find(keys->begin(), keys->end(), session->key_id()) == keys->end()) {
        spdlog::info("site {}: its key was revoked or rotated; closing session {}", site_id,
                     session->session_id());
        metrics_.sessions_closed_revoked.inc();
        session->request_close(close_code::key_revoked, "site key revoked or rotated");
    }
}

void Notifier::revalidate_keys(db::Connection& conn) {
    for (const auto& session : registry_.current_all()) {
        on_key_changed(conn, session->site_id());
    }
}

}  // namespace cs::relay::agent_link
