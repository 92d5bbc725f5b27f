#include "relay/cli/sealing_key.hpp"

#include <filesystem>
#include <system_error>

#include <spdlog/spdlog.h>

#include "common/crypto/key_file.hpp"

namespace cs::relay::cli {

Expected<std::unique_ptr<crypto::SealingKey>> open_sealing_key(const RelayConfig& config,
                                                               db::Connection& owner) {
    const auto& path = config.secrets_key_file;
    if (path.empty()) {
        spdlog::warn(
            "no secrets.key_file and no data_dir: the relay cannot seal webhook signing "
            "secrets, so tenants cannot set an alert webhook");
        return std::unique_ptr<crypto::SealingKey>();
    }
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    auto created = crypto::create_key_file(path);
    if (!created) {
        return std::move(created).error().wrap("secrets.key_file");
    }
    auto key = crypto::read_key_file(path);
    if (!key) {
        return std::move(key).error().wrap("secrets.key_file");
    }
    if (*created) {
        spdlog::info(
            "created the sealing key {} (key {}); every relay instance of this deployment must "
            "use this same file, and backups must keep it apart from the database",
            path.string(), key->key_id());
    }
    auto others =
        owner.query("checking the sealing key",
                    "SELECT count(*) FROM tenant_settings WHERE webhook_secret_key_id <> $1 OR "
                    "webhook_previous_secret_key_id <> $1",
                    db::Params().text(key->key_id()));
    if (!others) {
        return std::move(others).error();
    }
    if (auto n = others->integer(0, 0); n > 0) {
        spdlog::warn(
            "{} tenant(s) have webhook signing secrets sealed with another key than {} (key {}): "
            "their deliveries fail until this instance gets the deployment's key file or the "
            "secrets are rotated",
            n, path.string(), key->key_id());
    }
    return std::make_unique<crypto::SealingKey>(std::move(*key));
}

}  // namespace cs::relay::cli
