#include "relay/metrics/registry.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "common/net/prometheus_text.hpp"

namespace cs::relay::metrics {
namespace {

std::string label_text(const Labels& labels, const std::string& extra_name = {},
                       const std::string& extra_value = {}) {
    if (labels.empty() && extra_name.empty()) {
        return "";
    }
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : labels) {
        out += fmt::format("{}{}=\"{}\"", first ? "" : ",", k, net::escape_label_value(v));
        first = false;
    }
    if (!extra_name.empty()) {
        out += fmt::format("{}{}=\"{}\"", first ? "" : ",", extra_name, extra_value);
    }
    return out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double value) {
    std::size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) {
        ++i;
    }
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::bucket_counts() const {
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        out.push_back(buckets_[i].load(std::memory_order_relaxed));
    }
    return out;
}

std::vector<double> duration_buckets() {
    return {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
}

Registry::Family& Registry::family(const std::string& name, const std::string& help, Kind kind) {
    auto [it, inserted] = families_.try_emplace(name);
    if (inserted) {
        it->second.kind = kind;
        it->second.help = help;
    } else if (it->second.kind != kind) {
        // A programming error: the same name registered as two kinds.
        throw std::logic_error("metric " + name + " registered with two kinds");
    }
    return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, Kind::counter).counters[labels];
    if (!slot) {
        slot = std::make_unique<Counter>();
    }
    return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, Kind::gauge).gauges[labels];
    if (!slot) {
        slot = std::make_unique<Gauge>();
    }
    return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               std::vector<double> bounds, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, Kind::histogram).histograms[labels];
    if (!slot) {
        slot = std::make_unique<Histogram>(std::move(bounds));
    }
    return *slot;
}

std::string Registry::expose() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, f] : families_) {
        const char* type = f.kind == Kind::counter ? "counter"
                           : f.kind == Kind::gauge ? "gauge"
                                                   : "histogram";
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name, type);
        for (const auto& [labels, c] : f.counters) {
            out += fmt::format("{}{} {}\n", name, label_text(labels),
                               net::format_sample_value(c->value()));
        }
        for (const auto& [labels, g] : f.gauges) {
            out += fmt::format("{}{} {}\n", name, label_text(labels),
                               net::format_sample_value(g->value()));
        }
        for (const auto& [labels, h] : f.histograms) {
            auto counts = h->bucket_counts();
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < counts.size(); ++i) {
                cumulative += counts[i];
                auto le =
                    i < h->bounds().size() ? net::format_sample_value(h->bounds()[i]) : "+Inf";
                out +=
                    fmt::format("{}_bucket{} {}\n", name, label_text(labels, "le", le), cumulative);
            }
            out += fmt::format("{}_sum{} {}\n", name, label_text(labels),
                               net::format_sample_value(h->sum()));
            out += fmt::format("{}_count{} {}\n", name, label_text(labels), h->count());
        }
    }
    return out;
}

}  // namespace cs::relay::metrics
