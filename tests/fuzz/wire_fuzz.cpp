// Fuzzes the change-set decoder: no input may crash it, and anything it accepts
// must re-encode to a frame that decodes to the same change set.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/wire/codec.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    cs::wire::Limits limits;
    limits.max_body_bytes = 4u << 20;  // keep the fuzzer's memory use modest
    auto decoded = cs::wire::decode(input, limits);
    if (!decoded) {
        return 0;
    }
    auto again = cs::wire::encode(decoded->set);
    if (!again) {
        std::abort();  // a decoded set must always be encodable
    }
    auto round = cs::wire::decode(*again, limits);
    if (!round || !(round->set == decoded->set) ||
        !(round->content_digest == decoded->content_digest)) {
        std::abort();
    }
    return 0;
}
