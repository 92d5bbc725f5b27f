#include "agent/secrets/secret_store.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "agent/platform/file_access.hpp"
#include "common/fs/file.hpp"
#include "common/text/base64.hpp"
#include "common/value/value.hpp"

namespace cs::agent::secrets {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFormat = "contractsync-secrets/1";
// The store holds keys and passwords; a larger file is not ours.
constexpr std::uintmax_t kMaxStoreBytes = 1u << 20;
constexpr std::size_t kMaxValueBytes = 64u << 10;

std::string now_iso() {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    return Timestamp{micros}.to_iso();
}

// The store's JSON, or an empty store when the file does not exist yet.
Expected<nlohmann::json> read_document(const fs::path& path, const SecretSealer& sealer) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        return nlohmann::json{{"format", kFormat},
                              {"scheme", sealer.scheme()},
                              {"key_id", sealer.key_id()},
                              {"secrets", nlohmann::json::object()}};
    }
    auto size = fs::file_size(path, ec);
    if (ec) {
        return make_error(ErrorCode::io_error, "secret store {}: {}", path.string(), ec.message());
    }
    if (size > kMaxStoreBytes) {
        return make_error(ErrorCode::limit_exceeded,
                          "secret store {}: {} bytes is more than a secret store holds ({})",
                          path.string(), size, kMaxStoreBytes);
    }
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
        return make_error(ErrorCode::io_error, "secret store {}: cannot read it", path.string());
    }
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || doc.value("format", "") != kFormat ||
        !doc.contains("secrets") || !doc["secrets"].is_object()) {
        return make_error(ErrorCode::parse_error,
                          "secret store {}: not a ContractSync secret store (expected format {})",
                          path.string(), kFormat);
    }
    if (doc.value("scheme", "") != sealer.scheme()) {
        return make_error(ErrorCode::invalid_argument,
                          "secret store {}: sealed with {}, but this platform uses {}; a store "
                          "cannot move between platforms, set the secrets again",
                          path.string(), doc.value("scheme", "?"), sealer.scheme());
    }
    return doc;
}

Status write_document(const fs::path& path, const nlohmann::json& doc) {
    auto tmp = path;
    tmp += ".tmp";
    {
        // Restricted before a byte is written: the content is sealed, but
        // names and dates are nobody else's business either.
        std::ofstream(tmp, std::ios::binary | std::ios::trunc).flush();
        if (auto st = platform::restrict_to_service(tmp, false); !st) {
            return st;
        }
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << doc.dump(2) << '\n';
        out.flush();
        if (!out) {
            return make_error(ErrorCode::io_error, "secret store {}: cannot write it",
                              tmp.string());
        }
    }
    if (auto st = cs::fs::replace_file(tmp, path); !st) {
        return std::move(st).error().wrap("secret store");
    }
    return ok();
}

}  // namespace

Status check_secret_name(std::string_view name) {
    bool good = !name.empty() && name.size() <= 64;
    for (char c : name) {
        good = good && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
    }
    if (!good) {
        return make_error(ErrorCode::invalid_argument,
                          "secret name '{}': use letters, digits, '.', '_' and '-' (at most 64)",
                          name);
    }
    return ok();
}

Expected<SecretStore> SecretStore::open(const SecretStoreLocation& where, bool create) {
    if (create) {
        std::error_code ec;
        fs::create_directories(where.dir, ec);
        if (ec) {
            return make_error(ErrorCode::io_error, "secret store folder {}: {}", where.dir.string(),
                              ec.message());
        }
        if (auto st = platform::restrict_to_service(where.dir, true); !st) {
            return std::move(st).error();
        }
    }
    auto sealer = open_sealer(where, create);
    if (!sealer) {
        return std::move(sealer).error();
    }
    return SecretStore(where, std::move(*sealer));
}

Expected<std::string> SecretStore::get(const std::string& name) const {
    auto doc = read_document(where_.file(), *sealer_);
    if (!doc) {
        return std::move(doc).error();
    }
    const auto& secrets = (*doc)["secrets"];
    auto it = secrets.find(name);
    if (it == secrets.end() || !it->is_object()) {
        return make_error(ErrorCode::not_found,
                          "secret '{}' is not in the store {} (set it with: contractsync-agent "
                          "secret set {})",
                          name, where_.file().string(), name);
    }
    std::string stored_key = doc->value("key_id", "");
    if (!stored_key.empty() && stored_key != sealer_->key_id()) {
        return make_error(ErrorCode::unauthorized,
                          "secret '{}' in {} was sealed with another key than {} (key {} "
                          "expected, {} found); restore the original key file or set the secret "
                          "again",
                          name, where_.file().string(), sealer_->key_description(), stored_key,
                          sealer_->key_id());
    }
    auto sealed = text::base64_decode(it->value("sealed", ""));
    if (!sealed) {
        return make_error(ErrorCode::parse_error, "secret '{}' in {}: the sealed value is damaged",
                          name, where_.file().string());
    }
    auto plain = sealer_->unseal(name, *sealed);
    if (!plain) {
        return std::move(plain).error().wrap(
            fmt::format("secret '{}' in {}", name, where_.file().string()));
    }
    return plain;
}

Status SecretStore::set(const std::string& name, std::string_view value) {
    if (auto st = check_secret_name(name); !st) {
        return st;
    }
    if (value.empty()) {
        return make_error(ErrorCode::invalid_argument, "secret '{}': the value is empty", name);
    }
    if (value.size() > kMaxValueBytes) {
        return make_error(ErrorCode::limit_exceeded,
                          "secret '{}': {} bytes; a secret holds at most {} bytes", name,
                          value.size(), kMaxValueBytes);
    }
    auto doc = read_document(where_.file(), *sealer_);
    if (!doc) {
        return std::move(doc).error();
    }
    std::string stored_key = doc->value("key_id", "");
    if (!stored_key.empty() && stored_key != sealer_->key_id() && !(*doc)["secrets"].empty()) {
        return make_error(ErrorCode::unauthorized,
                          "secret store {} was sealed with another key than {}; restore the "
                          "original key file, or move the store away to start a new one",
                          where_.file().string(), sealer_->key_description());
    }
    auto sealed = sealer_->seal(name, value);
    if (!sealed) {
        return std::move(sealed).error().wrap(fmt::format("secret '{}'", name));
    }
    (*doc)["key_id"] = sealer_->key_id();
    (*doc)["secrets"][name] = {{"sealed", text::base64_encode(*sealed)}, {"updated_at", now_iso()}};
    return write_document(where_.file(), *doc);
}

Expected<bool> SecretStore::remove(const std::string& name) {
    auto doc = read_document(where_.file(), *sealer_);
    if (!doc) {
        return std::move(doc).error();
    }
    if ((*doc)["secrets"].erase(name) == 0) {
        return false;
    }
    if (auto st = write_document(where_.file(), *doc); !st) {
        return std::move(st).error();
    }
    return true;
}

Expected<std::vector<SecretEntry>> SecretStore::list() const {
    auto doc = read_document(where_.file(), *sealer_);
    if (!doc) {
        return std::move(doc).error();
    }
    std::vector<SecretEntry> out;
    for (const auto& [name, entry] : (*doc)["secrets"].items()) {
        out.push_back({name, entry.is_object() ? entry.value("updated_at", "") : ""});
    }
    return out;
}

}  // namespace cs::agent::secrets
