// `contractsync-agent support-bundle`: one zip for the support desk with what
// a diagnosis needs and no secret: the effective config with credentials
// redacted, `status --json`, the names (never values) of stored secrets, host
// facts and the tail of the agent's log files. Every secret the config refers
// to is resolved and registered for redaction first, so a value that slipped
// into a log line comes out as "***" (tests/agent/cli/support_bundle_test.cpp
// plants one to check).
#include <chrono>
#include <fstream>
#include <regex>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <zip.h>

#include "agent/cli/command.hpp"
#include "agent/platform/system_info.hpp"
#include "agent/secrets/secret_resolver.hpp"
#include "agent/secrets/secret_store.hpp"
#include "common/config/document.hpp"
#include "common/fs/file.hpp"
#include "common/log/log.hpp"
#include "common/version/version.hpp"

extern char** environ;

namespace cs::agent {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Logs are the biggest part; the newest few MiB of each file tell the story.
constexpr std::uintmax_t kLogTailBytes = 4u << 20;

class ZipWriter {
public:
    static Expected<ZipWriter> create(const fs::path& path) {
        // Owner-only from the start: the bundle is written before anyone reads it.
        auto file = cs::fs::open_for_writing(path, cs::fs::Visibility::owner_only);
        if (!file) {
            return std::move(file).error();
        }
        // minizip writes through stdio on the file opened here (wide and long
        // paths on Windows) and owns it from now on: zipClose closes it.
        zlib_filefunc64_def io{};
        fill_fopen64_filefunc(&io);
        io.zopen64_file = [](voidpf opaque, const void*, int) -> voidpf { return opaque; };
        io.opaque = file->release();
        zipFile zip = zipOpen2_64(path.string().c_str(), APPEND_STATUS_CREATE, nullptr, &io);
        if (zip == nullptr) {
            return make_error(ErrorCode::io_error, "{}: cannot create the zip file", path.string());
        }
        return ZipWriter(zip, path);
    }
    ZipWriter(ZipWriter&& other) noexcept
        : zip_(std::exchange(other.zip_, nullptr)), path_(std::move(other.path_)) {}
    ZipWriter& operator=(ZipWriter&&) = delete;
    ~ZipWriter() {
        if (zip_ != nullptr) {
            zipClose(zip_, nullptr);
        }
    }

    Status add(const std::string& name, std::string_view content) {
        zip_fileinfo info{};
        auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        std::tm tm = fmt::gmtime(now);
        // The field type differs between minizip releases (uInt, later int).
        using Field = decltype(info.tmz_date.tm_sec);
        info.tmz_date = {static_cast<Field>(tm.tm_sec),  static_cast<Field>(tm.tm_min),
                         static_cast<Field>(tm.tm_hour), static_cast<Field>(tm.tm_mday),
                         static_cast<Field>(tm.tm_mon),  static_cast<Field>(tm.tm_year + 1900)};
        bool good = zipOpenNewFileInZip64(zip_, name.c_str(), &info, nullptr, 0, nullptr, 0,
                                          nullptr, Z_DEFLATED, Z_DEFAULT_COMPRESSION, 1) == ZIP_OK;
        good = good && zipWriteInFileInZip(zip_, content.data(),
                                           static_cast<unsigned>(content.size())) == ZIP_OK;
        good = zipCloseFileInZip(zip_) == ZIP_OK && good;
        if (!good) {
            return make_error(ErrorCode::io_error, "{}: cannot add {}", path_.string(), name);
        }
        return ok();
    }

    Status close() {
        int rc = zipClose(std::exchange(zip_, nullptr), nullptr);
        if (rc != ZIP_OK) {
            return make_error(ErrorCode::io_error, "{}: cannot finish the zip file",
                              path_.string());
        }
        return ok();
    }

private:
    ZipWriter(zipFile zip, fs::path path) : zip_(zip), path_(std::move(path)) {}
    zipFile zip_;
    fs::path path_;
};

// Credentials in a URL's user part: http://user:password@host -> http://user:***@host.
std::string redact_url_password(const std::string& text) {
    static const std::regex userinfo(R"(([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*):[^@/\s]*@)");
    return std::regex_replace(text, userinfo, "$1:***@");
}

bool names_a_credential(const std::string& key) {
    static const std::regex credential(R"(password|passwd|token|secret|consumer_key|site_key)",
                                       std::regex::icase);
    return std::regex_search(key, credential);
}

// Walks the config: string values under credential-like keys become "***"
// (secret references are objects, {"secret": NAME}, and stay readable), and
// URL passwords are cut everywhere.
void redact_config(json& node, const std::string& key) {
    if (node.is_object()) {
        for (auto& [k, v] : node.items()) {
            redact_config(v, k);
        }
    } else if (node.is_array()) {
        for (auto& v : node) {
            redact_config(v, key);
        }
    } else if (node.is_string()) {
        bool reference = key == "secret" || key == "env" || key == "file";
        if (names_a_credential(key) && !reference) {
            node = "***";
        } else {
            node = log::redact(redact_url_password(node.get<std::string>()));
        }
    }
}

void register_url_password(const std::string& url) {
    static const std::regex password(R"(://[^:/@\s]*:([^@/\s]+)@)");
    std::smatch m;
    if (std::regex_search(url, m, password)) {
        log::register_secret(m[1].str());
    }
}

// Resolves every secret the config names, so log::redact knows the values.
void register_config_secrets(const AgentConfig& config) {
    auto touch = [](const std::optional<SecretRef>& ref, const std::string& what) {
        if (ref) {
            (void)resolve_secret(*ref, what);  // unresolvable: then it cannot be in a log either
        }
    };
    if (config.relay) {
        touch(config.relay->site_key, "relay.site_key");
        register_url_password(config.relay->proxy);
    }
    for (const auto& source : config.sources) {
        if (const auto* odata = std::get_if<OdataSourceConfig>(&source.settings)) {
            register_url_password(odata->proxy);
            register_url_password(odata->base_url);
            touch(odata->password, "password");
            touch(odata->consumer_key, "consumer_key");
            touch(odata->token, "token");
        }
    }
}

std::string tail_of(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(0, std::ios::end);
    auto size = static_cast<std::uintmax_t>(in.tellg());
    std::uintmax_t start = size > kLogTailBytes ? size - kLogTailBytes : 0;
    in.seekg(static_cast<std::streamoff>(start));
    std::string text(static_cast<std::size_t>(size - start), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (start > 0) {
        // Begin at a whole line.
        auto nl = text.find('\n');
        text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
    }
    return text;
}

// The log file and its rotations (agent.log, agent.1.log, ...).
std::vector<fs::path> log_files(const AgentConfig& config) {
    std::vector<fs::path> out;
    if (config.log.file.empty()) {
        return out;
    }
    fs::path file(config.log.file);
    out.push_back(file);
    for (std::size_t i = 1; i <= config.log.max_files; ++i) {
        fs::path rotated = file.parent_path() / fmt::format("{}.{}{}", file.stem().string(), i,
                                                            file.extension().string());
        out.push_back(rotated);
    }
    std::error_code ec;
    std::erase_if(out, [&](const fs::path& p) { return !fs::is_regular_file(p, ec); });
    return out;
}

int make_bundle(const CommandContext& ctx, const std::string& output) {
    auto config = ctx.load_config();
    if (!config) {
        return fail(config.error());
    }
    register_config_secrets(*config);

    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    fs::path path = output.empty()
                        ? fs::path(fmt::format("contractsync-support-{}-{:%Y%m%dT%H%M%SZ}.zip",
                                               platform::host_name(), fmt::gmtime(now)))
                        : fs::path(output);
    std::error_code ec;
    fs::remove(path, ec);
    auto zip = ZipWriter::create(path);
    if (!zip) {
        return fail(zip.error());
    }
    std::vector<std::string> notes;
    auto add = [&](const std::string& name, std::string_view content) -> bool {
        if (auto st = zip->add(name, content); !st) {
            fail(st.error());
            return false;
        }
        return true;
    };

    auto doc = config::Document::load(config->path);
    if (doc && doc->apply_env_overrides("CONTRACTSYNC", environ)) {
        json effective = doc->root();
        redact_config(effective, "");
        if (!add("config.json", effective.dump(2) + "\n")) {
            return kExitError;
        }
    } else {
        notes.push_back("config.json: the config could not be read again");
    }

    if (auto store = CommandContext::open_store(*config)) {
        auto status = collect_status(*config, *store);
        if (status) {
            if (!add("status.json", log::redact(status->dump(2)) + "\n")) {
                return kExitError;
            }
        } else {
            notes.push_back("status.json: " + log::redact(status.error().message));
        }
    } else {
        notes.push_back("status.json: " + log::redact(store.error().message));
    }

    std::string secrets_text;
    if (fs::exists(config->secrets.file(), ec)) {
        auto store = secrets::SecretStore::open(config->secrets, false);
        auto names =
            store ? store->list() : Expected<std::vector<secrets::SecretEntry>>(store.error());
        if (names) {
            for (const auto& e : *names) {
                secrets_text += fmt::format("{}  (set {})\n", e.name, e.updated_at);
            }
        } else {
            secrets_text = "the store cannot be read: " + log::redact(names.error().message) + "\n";
        }
    } else {
        secrets_text = "no secret store\n";
    }
    if (!add("secrets.txt", "Names only; values are never exported.\n" + secrets_text)) {
        return kExitError;
    }

    for (const auto& file : log_files(*config)) {
        if (!add("logs/" + file.filename().string(), log::redact(tail_of(file)))) {
            return kExitError;
        }
    }
    if (config->log.file.empty()) {
        notes.push_back(
            "logs: agent.log.file is not set; under systemd the log is in the journal "
            "(journalctl -u contractsync-agent)");
    }

    std::string system = fmt::format(
        "contractsync-agent {}\nhost {}\nos {}\ncreated {:%Y-%m-%dT%H:%M:%SZ}\nconfig {}\n",
        cs::version(), platform::host_name(), platform::os_description(), fmt::gmtime(now),
        config->path.string());
    for (const auto& note : notes) {
        system += "note: " + note + "\n";
    }
    if (!add("system.txt", system)) {
        return kExitError;
    }
    if (auto st = zip->close(); !st) {
        return fail(st.error());
    }
    fmt::print("{}\n", path.string());
    return kExitOk;
}

}  // namespace

void add_support_bundle_command(CLI::App& app, CommandContext& ctx, CommandRunner& runner) {
    auto* sub = app.add_subcommand(
        "support-bundle",
        "Write a zip for support: redacted config, status, secret names (never values), host "
        "facts and recent logs");
    add_config_option(*sub, ctx);
    auto output = std::make_shared<std::string>();
    sub->add_option("-o,--output", *output,
                    "The zip to write (default: contractsync-support-HOST-TIME.zip here)");
    sub->callback(
        [&ctx, &runner, output] { runner = [&ctx, output] { return make_bundle(ctx, *output); }; });
}

}  // namespace cs::agent
