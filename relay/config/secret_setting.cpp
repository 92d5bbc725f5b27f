#include "relay/config/secret_setting.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace cs::relay {
namespace {

std::string env_value(const char* const* env, std::string_view name) {
    if (env == nullptr) {
        return {};
    }
    for (auto p = env; *p != nullptr; ++p) {
        std::string_view entry(*p);
        if (entry.size() > name.size() && entry.substr(0, name.size()) == name &&
            entry[name.size()] == '=') {
            return std::string(entry.substr(name.size() + 1));
        }
    }
    return {};
}

Expected<std::string> read_secret_file(const std::filesystem::path& path, std::string_view what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return make_error(ErrorCode::io_error, "{}: cannot read the {} file", path.string(), what);
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string secret = text.str();
    // A trailing newline is what editors and `echo` leave; it is never part of a secret.
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) {
        secret.pop_back();
    }
    if (secret.empty()) {
        return make_error(ErrorCode::invalid_argument, "{}: the {} file is empty", path.string(),
                          what);
    }
    return secret;
}

}  // namespace

Expected<std::string> read_secret_setting(const config::Reader& section, std::string_view prefix,
                                          std::string_view what, const char* const* env,
                                          const std::filesystem::path& base_dir) {
    const std::string env_key = fmt::format("{}_env", prefix);
    const std::string file_key = fmt::format("{}_file", prefix);
    auto from_env = section.string_or(env_key, "");
    if (!from_env) {
        return std::move(from_env).error();
    }
    auto from_file = section.string_or(file_key, "");
    if (!from_file) {
        return std::move(from_file).error();
    }
    if (!from_env->empty() && !from_file->empty()) {
        return section.error(env_key,
                             fmt::format("set either {} or {}, not both", env_key, file_key));
    }
    if (!from_env->empty()) {
        auto value = env_value(env, *from_env);
        if (value.empty()) {
            return section.error(env_key,
                                 fmt::format("environment variable {} is not set", *from_env));
        }
        return value;
    }
    if (from_file->empty()) {
        return std::string();
    }
    std::filesystem::path file = *from_file;
    if (!base_dir.empty() && file.is_relative()) {
        file = base_dir / file;
    }
    auto secret = read_secret_file(file, what);
    if (!secret) {
        return section.error(file_key, secret.error().message);
    }
    return secret;
}

}  // namespace cs::relay
