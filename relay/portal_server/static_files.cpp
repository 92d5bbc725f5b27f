#include "relay/portal_server/static_files.hpp"

#include <array>
#include <string>
#include <utility>

#include "common/text/hex.hpp"

namespace cs::relay::portal_server {
namespace {

Error bad_path(std::string_view path, std::string_view why) {
    return make_error(ErrorCode::invalid_argument, "{}: {}", path.substr(0, 200), why);
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Expected<std::filesystem::path> file_for_url_path(std::string_view url_path) {
    if (url_path.empty() || url_path.front() != '/') {
        return bad_path(url_path, "not an absolute path");
    }
    std::filesystem::path out;
    std::string segment;
    auto finish_segment = [&](bool last) -> Status {
        if (segment.empty()) {
            // "/" alone and a trailing slash are fine; "//" inside is not.
            return last ? ok() : Status(bad_path(url_path, "empty path segment"));
        }
        if (segment == "." || segment == "..") {
            return bad_path(url_path, "dot segments are not allowed");
        }
        if (segment.front() == '.') {
            return bad_path(url_path, "hidden names are not served");
        }
        out /= segment;
        segment.clear();
        return ok();
    };
    for (std::size_t i = 1; i < url_path.size(); ++i) {
        char c = url_path[i];
        if (c == '/') {
            if (auto s = finish_segment(false); !s) {
                return std::move(s).error();
            }
            continue;
        }
        if (c == '%') {
            int hi = i + 2 < url_path.size() ? text::hex_value(url_path[i + 1]) : -1;
            int lo = hi >= 0 ? text::hex_value(url_path[i + 2]) : -1;
            if (lo < 0) {
                return bad_path(url_path, "malformed percent escape");
            }
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
            if (c == '/') {
                return bad_path(url_path, "encoded slashes are not allowed");
            }
        }
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            return bad_path(url_path, "control characters are not allowed");
        }
        if (c == '\\') {
            return bad_path(url_path, "backslashes are not allowed");
        }
        segment += c;
    }
    if (auto s = finish_segment(true); !s) {
        return std::move(s).error();
    }
    if (out.empty() || url_path.back() == '/') {
        out /= "index.html";
    }
    return out;
}

std::string_view content_type_for(const std::filesystem::path& file) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kTypes{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".txt", "text/plain; charset=utf-8"},
        {".wasm", "application/wasm"},
    }};
    auto ext = file.extension().string();
    for (auto& c : ext) {
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    for (const auto& [e, type] : kTypes) {
        if (ext == e) {
            return type;
        }
    }
    return "application/octet-stream";
}

bool is_immutable_asset(const std::filesystem::path& relative) {
    auto it = relative.begin();
    return it != relative.end() && *it == "assets" && ++it != relative.end();
}

bool is_app_route(std::string_view url_path) {
    for (std::string_view reserved : {"/api", "/v1", "/assets"}) {
        if (url_path == reserved || starts_with(url_path, std::string(reserved) + "/")) {
            return false;
        }
    }
    auto last = url_path.substr(url_path.rfind('/') + 1);
    return last.find('.') == std::string_view::npos;
}

}  // namespace cs::relay::portal_server
