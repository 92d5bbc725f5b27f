#pragma once

#include <memory>

#include "common/base/expected.hpp"
#include "common/crypto/sealing_key.hpp"
#include "relay/config/config.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::cli {

// The relay's sealing key (config.secrets_key_file), created with mode 0600
// when the file does not exist yet; null when no file is configured (no
// data_dir either), in which case nothing can be sealed. Warns when secrets in
// the database were sealed with another key: an instance given the wrong file.
Expected<std::unique_ptr<crypto::SealingKey>> open_sealing_key(const RelayConfig& config,
                                                               db::Connection& owner);

}  // namespace cs::relay::cli
