#include "common/log/log.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/text/base64.hpp"
#include "common/text/json_string.hpp"
#include "common/text/percent.hpp"

namespace cs::log {
namespace {

// Secrets shorter than this are not redacted: replacing every "a" would destroy
// the logs while protecting nothing (config validation rejects such secrets).
constexpr std::size_t kMinSecretLength = 4;

struct SecretStore {
    std::shared_mutex mutex;
    std::vector<std::string> secrets;  // longest first, so overlapping secrets redact fully
};

SecretStore& store() {
    static SecretStore s;
    return s;
}

// The secret as it may appear in a log line: itself, percent-encoded (in a
// URL or a form body), and base64-encoded wherever it sits in the encoded
// text (HTTP Basic credentials encode "user:password", so the password's
// characters start at any offset modulo 3). For each of the three offsets,
// the characters that depend on the secret's bytes alone.
std::vector<std::string> encoded_forms(std::string_view secret) {
    std::vector<std::string> forms{std::string(secret)};
    forms.push_back(text::percent_encode(secret));
    for (std::size_t offset = 0; offset < 3; ++offset) {
        std::string encoded = text::base64_encode(std::string(offset, '\0') + std::string(secret));
        while (!encoded.empty() && encoded.back() == '=') {
            encoded.pop_back();
        }
        // Leading characters that carry bits of the bytes before the secret,
        // trailing ones that carry bits of the bytes after it.
        std::size_t lead = offset == 0 ? 0 : offset + 1;
        std::size_t tail = (offset + secret.size()) % 3 == 0 ? 0 : 1;
        if (encoded.size() > lead + tail) {
            std::string core = encoded.substr(lead, encoded.size() - lead - tail);
            forms.push_back(core);
            // base64url (JWTs, URL-safe tokens).
            for (char& c : core) {
                c = c == '+' ? '-' : c == '/' ? '_' : c;
            }
            forms.push_back(core);
        }
    }
    return forms;
}

std::string_view level_name(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
            return "trace";
        case spdlog::level::debug:
            return "debug";
        case spdlog::level::info:
            return "info";
        case spdlog::level::warn:
            return "warn";
        case spdlog::level::err:
            return "error";
        case spdlog::level::critical:
            return "critical";
        default:
            return "off";
    }
}

class JsonFormatter final : public spdlog::formatter {
public:
    explicit JsonFormatter(std::string name) : name_(std::move(name)) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string line;
        line.reserve(msg.payload.size() + 128);
        auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch())
                .count();
        line += R"({"ts":")";
        line += format_time(micros);
        line += R"(","level":")";
        line += level_name(msg.level);
        line += R"(","logger":)";
        text::append_json_string(line, name_);
        line += R"(,"thread":)";
        line += std::to_string(msg.thread_id);
        line += R"(,"msg":)";
        text::append_json_string(line,
                                 redact(std::string_view(msg.payload.data(), msg.payload.size())));
        line += "}\n";
        dest.append(line.data(), line.data() + line.size());
    }

    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonFormatter>(name_);
    }

private:
    static std::string format_time(std::int64_t micros) {
        using namespace std::chrono;
        sys_time<microseconds> tp{microseconds{micros}};
        auto day = floor<days>(tp);
        year_month_day ymd{day};
        hh_mm_ss<microseconds> hms{tp - day};
        return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
                           static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                           static_cast<unsigned>(ymd.day()), hms.hours().count(),
                           hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
    }

    std::string name_;
};

// Redacts the payload, then hands the message to a normal pattern formatter.
class RedactingFormatter final : public spdlog::formatter {
public:
    explicit RedactingFormatter(std::string pattern = "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v")
        : pattern_(std::move(pattern)),
          inner_(std::make_unique<spdlog::pattern_formatter>(pattern_)) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string clean = redact(std::string_view(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy = msg;
        copy.payload = spdlog::string_view_t(clean.data(), clean.size());
        inner_->format(copy, dest);
    }

    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<RedactingFormatter>(pattern_);
    }

private:
    std::string pattern_;
    std::unique_ptr<spdlog::formatter> inner_;
};

}  // namespace

Expected<Format> parse_format(std::string_view name) {
    if (name == "console") {
        return Format::console;
    }
    if (name == "json") {
        return Format::json;
    }
    return make_error(ErrorCode::invalid_argument,
                      "unknown log format '{}' (expected console or json)", name);
}

Status init(const Options& options) {
    auto level = spdlog::level::from_str(options.level);
    if (level == spdlog::level::off && options.level != "off") {
        return make_error(ErrorCode::invalid_argument,
                          "unknown log level '{}' (expected trace, debug, info, warn, error, "
                          "critical or off)",
                          options.level);
    }
    std::vector<spdlog::sink_ptr> sinks;
    if (options.to_stderr) {
        sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    }
    if (!options.file.empty()) {
        try {
            sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                options.file, options.max_file_bytes, options.max_files));
        } catch (const spdlog::spdlog_ex& e) {
            return make_error(ErrorCode::io_error, "cannot open log file {}: {}", options.file,
                              e.what());
        }
    }
    for (auto& sink : sinks) {
        if (options.format == Format::json) {
            sink->set_formatter(std::make_unique<JsonFormatter>(options.name));
        } else {
            sink->set_formatter(std::make_unique<RedactingFormatter>());
        }
    }
    if (options.system_log) {
        // Its own level stays: the system log takes errors, not every info line.
        options.system_log->set_formatter(std::make_unique<RedactingFormatter>("%v"));
        sinks.push_back(options.system_log);
    }
    auto logger = std::make_shared<spdlog::logger>(options.name, sinks.begin(), sinks.end());
    logger->set_level(level);
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
    spdlog::flush_every(std::chrono::seconds(2));
    return ok();
}

void register_secret(std::string_view secret) {
    if (secret.size() < kMinSecretLength) {
        return;
    }
    auto forms = encoded_forms(secret);
    auto& s = store();
    std::unique_lock lock(s.mutex);
    for (auto& form : forms) {
        if (form.size() >= kMinSecretLength &&
            std::find(s.secrets.begin(), s.secrets.end(), form) == s.secrets.end()) {
            s.secrets.push_back(std::move(form));
        }
    }
    std::sort(s.secrets.begin(), s.secrets.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void clear_secrets() {
    auto& s = store();
    std::unique_lock lock(s.mutex);
    s.secrets.clear();
}

std::string redact(std::string_view text) {
    auto& s = store();
    std::shared_lock lock(s.mutex);
    std::string out(text);
    // Credentials in an HTTP Authorization header, whoever's they are.
    for (std::size_t pos = 0; (pos = out.find("uthorization:", pos)) != std::string::npos;) {
        pos += 13;
        if (pos < 14 || (out[pos - 14] != 'A' && out[pos - 14] != 'a')) {
            continue;
        }
        auto skip = [&](bool spaces) {
            while (pos < out.size() && (out[pos] == ' ' || out[pos] == '\t') == spaces &&
                   out[pos] != '\r' && out[pos] != '\n' && out[pos] != '"') {
                ++pos;
            }
        };
        skip(true);
        skip(false);  // the scheme: Basic, Bearer, ...
        skip(true);
        std::size_t start = pos;
        skip(false);
        if (pos > start && out.compare(start, pos - start, "***") != 0) {
            out.replace(start, pos - start, "***");
            pos = start + 3;
        }
    }
    for (const auto& secret : s.secrets) {
        std::size_t pos = 0;
        while ((pos = out.find(secret, pos)) != std::string::npos) {
            out.replace(pos, secret.size(), "***");
            pos += 3;
        }
    }
    return out;
}

}  // namespace cs::log
