#include "agent/secrets/secret_resolver.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <spdlog/spdlog.h>

#include "agent/platform/file_access.hpp"
#include "agent/secrets/secret_store.hpp"
#include "common/fs/file.hpp"
#include "common/log/log.hpp"

namespace cs::agent {
namespace {

namespace fs = std::filesystem;

// A secret is a key or a password, never a document: a larger file is almost
// certainly the wrong file, and reading it whole would be wasteful.
constexpr std::uintmax_t kMaxSecretFileBytes = 64u << 10;

void trim_end(std::string& value) {
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ' ||
                              value.back() == '\t')) {
        value.pop_back();
    }
}

Expected<std::string> from_env(const SecretRef& ref, std::string_view what) {
    const char* value = std::getenv(ref.name.c_str());
    if (value == nullptr) {
        return make_error(ErrorCode::not_found, "{}: environment variable {} is not set", what,
                          ref.name);
    }
    std::string text(value);
    trim_end(text);
    if (text.empty()) {
        return make_error(ErrorCode::invalid_argument, "{}: environment variable {} is empty", what,
                          ref.name);
    }
    return text;
}

Expected<std::string> from_file(const SecretRef& ref, std::string_view what) {
    const fs::path path = cs::fs::from_utf8(ref.name);
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    if (ec) {
        return make_error(ErrorCode::not_found, "{}: cannot read secret file {}: {}", what,
                          path.string(), ec.message());
    }
    if (size > kMaxSecretFileBytes) {
        return make_error(ErrorCode::limit_exceeded,
                          "{}: secret file {} is {} bytes; a secret file holds only the secret "
                          "(at most {} bytes)",
                          what, path.string(), size, kMaxSecretFileBytes);
    }
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        return make_error(ErrorCode::io_error, "{}: cannot read secret file {}", what,
                          path.string());
    }
    trim_end(text);
    if (text.empty()) {
        return make_error(ErrorCode::invalid_argument, "{}: secret file {} is empty", what,
                          path.string());
    }
    if (auto fix = platform::readable_by_other_users(path)) {
        spdlog::warn(
            "{}: secret file {} is readable by every user; restrict it to the agent's "
            "account ({})",
            what, path.string(), *fix);
    }
    return text;
}

Expected<std::string> from_store(const SecretRef& ref, std::string_view what) {
    if (ref.store.dir.empty()) {
        return make_error(ErrorCode::internal, "{}: secret '{}': no secret store is configured",
                          what, ref.name);
    }
    auto store = secrets::SecretStore::open(ref.store, false);
    if (!store) {
        return std::move(store).error().wrap(what);
    }
    auto value = store->get(ref.name);
    if (!value) {
        return std::move(value).error().wrap(what);
    }
    return value;
}

}  // namespace

Expected<std::string> resolve_secret(const SecretRef& ref, std::string_view what) {
    Expected<std::string> value = std::string();
    switch (ref.kind) {
        case SecretRef::Kind::env:
            value = from_env(ref, what);
            break;
        case SecretRef::Kind::file:
            value = from_file(ref, what);
            break;
        case SecretRef::Kind::store:
            value = from_store(ref, what);
            break;
    }
    if (value) {
        log::register_secret(*value);
    }
    return value;
}

}  // namespace cs::agent
