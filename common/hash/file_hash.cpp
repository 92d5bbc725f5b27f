#include "common/hash/file_hash.hpp"

#include <cstdio>
#include <memory>
#include <vector>

#include <xxhash.h>

#include "common/fs/file.hpp"

namespace cs {

Expected<Hash128> hash_file(const std::filesystem::path& path) {
    auto file = fs::open_for_reading(path);
    if (!file) {
        return std::move(file).error();
    }
    std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> state(XXH3_createState(),
                                                                          &XXH3_freeState);
    XXH3_128bits_reset(state.get());
    std::vector<char> buffer(1 << 20);
    while (true) {
        std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file->get());
        if (n > 0) {
            XXH3_128bits_update(state.get(), buffer.data(), n);
        }
        if (n < buffer.size()) {
            if (std::ferror(file->get()) != 0) {
                return make_error(ErrorCode::io_error, "{}: read error while fingerprinting",
                                  fs::to_utf8(path));
            }
            break;
        }
    }
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state.get()));
    Hash128 out;
    std::copy(std::begin(canonical.digest), std::end(canonical.digest), out.bytes.begin());
    return out;
}

}  // namespace cs
