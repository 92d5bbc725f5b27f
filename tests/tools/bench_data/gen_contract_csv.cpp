// Writes the deterministic vendor-contract CSV that scripts/bench uses:
//
//   gen_contract_csv ROWS OUT.csv [--variant base|changed]
//
// Ten mixed columns: ids with P21's awkward characters, text with commas and
// quotes, money with currency signs and thousands separators, quantities with
// separators, US and ISO dates, a timestamp. The `changed` variant has the same
// rows except that 1% carry a new price and 0.5% are missing.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

std::uint64_t mix(std::uint64_t x) {
    // splitmix64: a fixed, platform-independent sequence for every row.
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

const char* const kWords[] = {"Widget",  "Valve", "Elbow",   "Coupling", "Flange", "Gasket",
                              "Bracket", "Hose",  "Fitting", "Bushing",  "Nipple", "Tee"};
const char* const kAdjectives[] = {"large",  "small", "brass", "steel", "PVC",
                                   "copper", "black", "galv",  "blue",  "long"};
const char* const kUoms[] = {"EA", "BX", "CS", "PK"};

void money(char* out, std::size_t size, std::uint64_t cents, bool dollar) {
    std::uint64_t whole = cents / 100;
    char digits[32];
    std::snprintf(digits, sizeof digits, "%" PRIu64, whole);
    std::string grouped;
    std::size_t n = std::strlen(digits);
    for (std::size_t i = 0; i < n; ++i) {
        grouped.push_back(digits[i]);
        if ((n - i - 1) % 3 == 0 && i + 1 < n) {
            grouped.push_back(',');
        }
    }
    std::snprintf(out, size, "%s%s.%02u", dollar ? "$" : "", grouped.c_str(),
                  static_cast<unsigned>(cents % 100));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: gen_contract_csv ROWS OUT.csv [--variant base|changed]\n");
        return 2;
    }
    long long rows = std::atoll(argv[1]);
    bool changed =
        argc >= 5 && std::strcmp(argv[3], "--variant") == 0 && std::strcmp(argv[4], "changed") == 0;
    std::FILE* out = std::fopen(argv[2], "wb");
    if (rows <= 0 || out == nullptr) {
        std::fprintf(stderr, "gen_contract_csv: cannot write %s\n", argv[2]);
        return 1;
    }
    std::setvbuf(out, nullptr, _IOFBF, 1 << 20);
    std::fputs("Contract #,Item ID,Description,Vendor,UOM,Price,Qty,Start,End,Updated\n", out);
    for (long long i = 0; i < rows; ++i) {
        std::uint64_t h = mix(static_cast<std::uint64_t>(i));
        std::uint64_t select = mix(h) % 1000;
        if (changed && select < 5) {
            continue;  // 0.5% of rows deleted
        }
        std::uint64_t cents = 50 + h % 250'000'00;
        if (changed && select >= 5 && select < 15) {
            cents += 1 + (h >> 40) % 500;  // 1% of rows repriced
        }
        char price[48];
        money(price, sizeof price, cents, (h >> 3) % 2 == 0);
        unsigned qty = static_cast<unsigned>(1 + (h >> 11) % 25'000);
        char qty_text[32];
        if (qty >= 1000) {
            std::snprintf(qty_text, sizeof qty_text, "\"%u,%03u\"", qty / 1000, qty % 1000);
        } else {
            std::snprintf(qty_text, sizeof qty_text, "%u", qty);
        }
        unsigned month = 1 + static_cast<unsigned>((h >> 17) % 12);
        unsigned day = 1 + static_cast<unsigned>((h >> 21) % 28);
        unsigned year = 2024 + static_cast<unsigned>((h >> 25) % 3);
        const char* word = kWords[(h >> 29) % 12];
        const char* adjective = kAdjectives[(h >> 33) % 10];
        // Item ids carry P21's awkward characters: / + # & space.
        static const char* const kSeparators[] = {"-", "/", "+", "#", " & ", " "};
        std::fprintf(out,
                     "C-%06llu,IT%s%07lld,\"%s, %s \"\"%u\"\" #%u\",V%04u,%s,\"%s\",%s,"
                     "%02u/%02u/%u,%u-12-31,%u-%02u-%02u %02u:%02u\n",
                     static_cast<unsigned long long>(i / 50), kSeparators[(h >> 37) % 6], i, word,
                     adjective, static_cast<unsigned>(1 + (h >> 41) % 24),
                     static_cast<unsigned>((h >> 45) % 100),
                     static_cast<unsigned>((h >> 49) % 2000), kUoms[(h >> 53) % 4], price, qty_text,
                     month, day, year, year + 1, year, month, day,
                     static_cast<unsigned>((h >> 55) % 24), static_cast<unsigned>((h >> 57) % 60));
    }
    if (std::fclose(out) != 0) {
        std::fprintf(stderr, "gen_contract_csv: write failed\n");
        return 1;
    }
    return 0;
}
