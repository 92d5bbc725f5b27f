#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::xlsx {

// A zip archive read one entry at a time (minizip keeps a single current entry).
// Entry names match case-insensitively, as OPC part names do.
class ZipArchive {
public:
    static Expected<ZipArchive> open_file(const std::filesystem::path& path);
    // `bytes` must outlive the archive; `name` stands for the file in messages.
    static Expected<ZipArchive> open_memory(std::string_view bytes, std::string name);

    ZipArchive(ZipArchive&&) noexcept;
    ZipArchive& operator=(ZipArchive&&) noexcept;
    ~ZipArchive();

    const std::string& name() const { return name_; }
    bool contains(std::string_view entry);
    // Makes `entry` the current entry. Reading more than `max_bytes` from it is
    // an error: the zip-bomb guard, whatever the entry claims its size is.
    Status open_entry(std::string_view entry, std::uint64_t max_bytes);
    // Up to `size` bytes of the current entry; 0 at its end, after the CRC matched.
    Expected<std::size_t> read(char* dest, std::size_t size);
    void close_entry();

private:
    struct State;
    explicit ZipArchive(std::unique_ptr<State> state, std::string name);
    Error entry_error(std::string_view why) const;

    std::unique_ptr<State> state_;
    std::string name_;
};

}  // namespace cs::xlsx
