#include "agent/service/service_status.hpp"

#include <fstream>
#include <iterator>

#include "agent/platform/system_info.hpp"
#include "agent/store/state_db.hpp"
#include "common/fs/file.hpp"
#include "common/value/value.hpp"
#include "common/version/version.hpp"

namespace cs::agent {

namespace fs = std::filesystem;

fs::path service_status_path(const fs::path& state_dir) {
    return state_dir / "service.json";
}

ServiceStatusWriter::ServiceStatusWriter(fs::path path, fs::path config,
                                         std::function<nlohmann::json()> snapshot)
    : path_(std::move(path)), snapshot_(std::move(snapshot)) {
    base_ = {{"pid", static_cast<std::int64_t>(platform::process_id())},
             {"version", std::string(cs::version())},
             {"config", config.string()},
             {"started_at", Timestamp{now_micros()}.to_iso()}};
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stop_) {
            lock.unlock();
            write(false);
            lock.lock();
            wake_.wait_for(lock, kServiceStatusInterval, [this] { return stop_; });
        }
    });
}

ServiceStatusWriter::~ServiceStatusWriter() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    write(true);
}

void ServiceStatusWriter::write(bool stopped) {
    nlohmann::json j = base_;
    j["state"] = stopped ? "stopped" : "running";
    j["updated_at_us"] = now_micros();
    j["updated_at"] = Timestamp{j["updated_at_us"].get<std::int64_t>()}.to_iso();
    j["relay"] = snapshot_();
    // Replaced whole, so a reader never sees half a file.
    auto tmp = path_;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.dump(2) << '\n';
        if (!out) {
            return;  // status is a courtesy; the service goes on without it
        }
    }
    (void)cs::fs::replace_file(tmp, path_);
}

Expected<std::optional<nlohmann::json>> read_service_status(const fs::path& state_dir) {
    auto path = service_status_path(state_dir);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        return std::optional<nlohmann::json>();
    }
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("updated_at_us")) {
        return make_error(ErrorCode::parse_error, "{}: not a service status file", path.string());
    }
    double age =
        static_cast<double>(now_micros() - j.value("updated_at_us", std::int64_t{0})) / 1e6;
    j["age_seconds"] = age;
    j["running"] =
        j.value("state", "") == "running" && age < static_cast<double>(kServiceStatusStale.count());
    return std::optional<nlohmann::json>(std::move(j));
}

}  // namespace cs::agent
