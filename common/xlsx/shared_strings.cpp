#include "common/xlsx/shared_strings.hpp"

#include <fmt/format.h>

#include "common/xlsx/xml_parser.hpp"
#include "common/xlsx/zip_archive.hpp"

namespace cs::xlsx {
namespace {

class SharedStringsHandler final : public XmlHandler {
public:
    SharedStringsHandler(SharedStrings& strings, std::size_t max_bytes)
        : strings_(strings), max_bytes_(max_bytes) {}

    void start(std::string_view ns, std::string_view local, const XmlAttributes&) override {
        if (!is_main_ns(ns)) {
            return;
        }
        if (local == "si") {
            in_item_ = true;
        } else if (local == "rPh") {
            ++phonetic_depth_;
        } else if (local == "t" && in_item_ && phonetic_depth_ == 0) {
            in_text_ = true;
        }
    }
    void end(std::string_view ns, std::string_view local) override {
        if (!is_main_ns(ns)) {
            return;
        }
        if (local == "si" && in_item_) {
            in_item_ = false;
            strings_.finish_current();
            check();
        } else if (local == "rPh" && phonetic_depth_ > 0) {
            --phonetic_depth_;
        } else if (local == "t") {
            in_text_ = false;
        }
    }
    void text(std::string_view data) override {
        if (in_text_) {
            strings_.append_to_current(data);
            check();
        }
    }

private:
    void check() {
        if (strings_.memory_bytes() > max_bytes_) {
            parser().abort(
                fmt::format("shared strings need more than {} bytes (max_shared_strings_bytes)",
                            max_bytes_),
                ErrorCode::limit_exceeded);
        }
    }

    SharedStrings& strings_;
    std::size_t max_bytes_;
    bool in_item_ = false;
    bool in_text_ = false;
    int phonetic_depth_ = 0;
};

}  // namespace

std::string_view SharedStrings::at(std::size_t index) const {
    const std::uint64_t begin = index == 0 ? 0 : ends_[index - 1];
    return std::string_view(text_).substr(begin, ends_[index] - begin);
}

Expected<SharedStrings> read_shared_strings(ZipArchive& zip, std::string_view part,
                                            std::uint64_t max_part_bytes, std::size_t max_bytes) {
    SharedStrings strings;
    SharedStringsHandler handler(strings, max_bytes);
    if (auto s = parse_entry(zip, part, max_part_bytes, handler); !s) {
        return std::move(s).error();
    }
    return strings;
}

}  // namespace cs::xlsx
