#pragma once

// What the PostgreSQL benchmarks share: stopping loudly on an error, and a
// database of their own on the cluster they are pointed at.
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

namespace cs::bench {

// The value, or an exception naming `what` that unwinds (dropping the
// benchmark's database) and ends main() with status 1.
template <typename T>
T must(Expected<T> value, const char* what) {
    if (!value) {
        throw std::runtime_error(fmt::format("{}: {}", what, value.error().message));
    }
    return std::move(*value);
}

inline std::unique_ptr<relay::db::Connection> connect(const std::string& dsn) {
    return must(relay::db::Connection::open({.dsn = dsn}), "connecting");
}

// The database `name` on the cluster at `base` (a DSN without dbname): created
// now unless `existing`, dropped at the end unless `keep` is set by then.
struct BenchDatabase {
    std::string admin_dsn;
    std::string name;
    std::string dsn;
    bool keep = false;

    BenchDatabase(const std::string& base, std::string db_name, bool existing = false)
        : admin_dsn(base), name(std::move(db_name)), dsn(base + " dbname=" + name), keep(existing) {
        if (!existing) {
            must(connect(base)->exec("create database", "CREATE DATABASE " + name),
                 "create database");
        }
    }
    BenchDatabase(const BenchDatabase&) = delete;
    BenchDatabase& operator=(const BenchDatabase&) = delete;
    ~BenchDatabase() {
        if (keep) {
            std::fprintf(stderr, "kept database %s\n", name.c_str());
            return;
        }
        auto admin = relay::db::Connection::open({.dsn = admin_dsn});
        if (admin) {
            (void)(*admin)->exec("drop database",
                                 "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
};

}  // namespace cs::bench
