#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace cs::relay::metrics {

// label name -> value, in the order given
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
public:
    void inc(double amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
    double value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

class Gauge {
public:
    void set(double v) { value_.store(v, std::memory_order_relaxed); }
    void inc(double amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
    void dec(double amount = 1) { value_.fetch_sub(amount, std::memory_order_relaxed); }
    double value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

// Cumulative buckets as Prometheus expects: each bucket counts observations <= its bound.
class Histogram {
public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double value);
    const std::vector<double>& bounds() const { return bounds_; }
    // Per-bucket (non-cumulative) counts, +Inf last; then count and sum.
    std::vector<std::uint64_t> bucket_counts() const;
    std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
    double sum() const { return sum_.load(std::memory_order_relaxed); }

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
    std::atomic<std::uint64_t> count_{0};
    std::atomic<double> sum_{0};
};

// Default buckets for durations in seconds: 1 ms to 2 min.
std::vector<double> duration_buckets();

// A small Prometheus registry: metric families by name, one child per label set.
// Creating metrics takes a lock; updating them is lock-free. References returned
// stay valid for the registry's lifetime.
class Registry {
public:
    Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
    Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
    Histogram& histogram(const std::string& name, const std::string& help,
                         std::vector<double> bounds, const Labels& labels = {});

    // The text exposition format (version 0.0.4).
    std::string expose() const;

private:
    enum class Kind { counter, gauge, histogram };
    struct Family {
        Kind kind;
        std::string help;
        std::map<Labels, std::unique_ptr<Counter>> counters;
        std::map<Labels, std::unique_ptr<Gauge>> gauges;
        std::map<Labels, std::unique_ptr<Histogram>> histograms;
    };
    Family& family(const std::string& name, const std::string& help, Kind kind);

    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
};

}  // namespace cs::relay::metrics
