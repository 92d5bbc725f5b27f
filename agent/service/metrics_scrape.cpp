#include "agent/service/metrics_scrape.hpp"

#include <chrono>
#include <memory>

#include <spdlog/spdlog.h>

#include "agent/outbox/outbox.hpp"
#include "agent/store/state_db.hpp"
#include "agent/validate/failed_row.hpp"
#include "common/version/version.hpp"

namespace cs::agent {

std::function<std::string()> metrics_scrape(const AgentConfig& config,
                                            metrics::RunCounters& counters,
                                            std::function<ship::UplinkStatus()> link) {
    auto started = std::chrono::steady_clock::now();
    auto db = std::make_shared<std::unique_ptr<StateDb>>();
    return [db, path = config.state_db(), &counters, link = std::move(link), started] {
        metrics::AgentMetrics m;
        m.version = std::string(cs::version());
        m.uptime_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (!*db) {
            auto opened = StateDb::open(path);
            if (!opened) {
                spdlog::warn("metrics: {}", opened.error().message);
            } else {
                *db = std::make_unique<StateDb>(std::move(*opened));
            }
        }
        if (*db) {
            if (auto outbox = Outbox((*db)->db()).stats()) {
                m.outbox = *outbox;
                if (outbox->oldest_created_at) {
                    m.oldest_age_seconds =
                        static_cast<double>(now_micros() - *outbox->oldest_created_at) / 1e6;
                }
            }
            if (auto failed = FailedRowStore((*db)->db()).counts()) {
                for (const auto& [entity, rows] : *failed) {
                    m.failed_rows[entity] = rows;
                }
            }
        }
        m.totals = counters.totals();
        m.link = link();
        return metrics::render(m);
    };
}

}  // namespace cs::agent
