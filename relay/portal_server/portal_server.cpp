#include "relay/portal_server/portal_server.hpp"

#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "relay/portal_server/static_files.hpp"

namespace cs::relay::portal_server {
namespace {

namespace fs = std::filesystem;

// Scripts, styles, images, fonts and API calls from this origin only; no
// framing, no plugins, no <base> tricks, forms post nowhere else.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

void add_security_headers(server::HttpResponse& r) {
    r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
    r.headers.emplace_back("X-Frame-Options", "DENY");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
    r.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
}

server::HttpResponse refuse(int status, std::string_view message) {
    auto r = server::HttpResponse::error(status, message);
    add_security_headers(r);
    return r;
}

struct FileData {
    std::string body;
    std::string etag;
};

bool inside(const fs::path& root, const fs::path& candidate) {
    auto rel = candidate.lexically_relative(root);
    return !rel.empty() && *rel.begin() != ".." && rel != ".";
}

// The file's bytes when it is a regular file inside the root (after resolving
// symlinks) and within the size limit; nullopt when there is no such file.
// `too_large` is set for a file over the limit.
std::optional<FileData> read_file(const PortalOptions& options, const fs::path& relative,
                                  bool& too_large) {
    std::error_code ec;
    auto path = fs::canonical(options.root / relative, ec);
    if (ec || !inside(options.root, path)) {
        return std::nullopt;
    }
    auto status = fs::status(path, ec);
    if (ec || !fs::is_regular_file(status)) {
        return std::nullopt;
    }
    std::error_code size_ec;
    std::error_code time_ec;
    auto size = fs::file_size(path, size_ec);
    auto mtime = fs::last_write_time(path, time_ec);
    if (size_ec || time_ec) {
        return std::nullopt;
    }
    if (size > options.max_file_bytes) {
        too_large = true;
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    FileData out;
    out.body.resize(size);
    in.read(out.body.data(), static_cast<std::streamsize>(size));
    if (!in || in.gcount() != static_cast<std::streamsize>(size)) {
        return std::nullopt;  // changed or vanished while reading: a later request gets it
    }
    // Size and modification time name a build's file well enough to revalidate.
    out.etag = fmt::format("\"{:x}-{:x}\"", size,
                           static_cast<std::uint64_t>(mtime.time_since_epoch().count()));
    return out;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    if (if_none_match == "*") {
        return true;
    }
    // A comma-separated list; weak forms (W/"...") compare equal for GET.
    std::size_t pos = 0;
    while (pos < if_none_match.size()) {
        auto end = if_none_match.find(',', pos);
        auto item = if_none_match.substr(pos, end == std::string_view::npos ? end : end - pos);
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        while (!item.empty() && item.back() == ' ') {
            item.remove_suffix(1);
        }
        if (item.substr(0, 2) == "W/") {
            item.remove_prefix(2);
        }
        if (item == etag) {
            return true;
        }
        if (end == std::string_view::npos) {
            break;
        }
        pos = end + 1;
    }
    return false;
}

}  // namespace

Expected<std::shared_ptr<const PortalServer>> PortalServer::open(PortalOptions options) {
    std::error_code ec;
    auto root = fs::canonical(options.root, ec);
    if (ec) {
        return make_error(ErrorCode::not_found, "api.portal_dir {}: {}", options.root.string(),
                          ec.message());
    }
    if (!fs::is_regular_file(root / "index.html", ec)) {
        return make_error(ErrorCode::not_found,
                          "api.portal_dir {}: no index.html (build the portal first)",
                          root.string());
    }
    options.root = root;
    return std::shared_ptr<const PortalServer>(new PortalServer(std::move(options)));
}

server::HttpResponse PortalServer::serve(const server::HttpRequest& request) const {
    auto relative = file_for_url_path(request.path);
    if (!relative) {
        return refuse(400, relative.error().message);
    }
    bool app_route = false;
    bool too_large = false;
    auto file = read_file(options_, *relative, too_large);
    if (!file && !too_large && is_app_route(request.path)) {
        // A route of the single-page app (/sites/123): the app draws it.
        app_route = true;
        *relative = "index.html";
        file = read_file(options_, *relative, too_large);
    }
    if (too_large) {
        spdlog::warn("portal: {} is larger than the {} byte limit; not served",
                     (options_.root / *relative).string(), options_.max_file_bytes);
        return refuse(500, "file too large to serve");
    }
    if (!file) {
        return refuse(404, app_route ? "the portal's index.html is missing" : "not found");
    }
    server::HttpResponse r;
    r.content_type = std::string(content_type_for(*relative));
    r.headers.emplace_back("Cache-Control", is_immutable_asset(*relative)
                                                ? "public, max-age=31536000, immutable"
                                                : "no-cache");
    r.headers.emplace_back("ETag", file->etag);
    add_security_headers(r);
    if (etag_matches(request.header("if-none-match"), file->etag)) {
        r.status = 304;
        return r;
    }
    r.body = std::move(file->body);
    return r;
}

void install(server::Router& router, std::shared_ptr<const PortalServer> portal) {
    // File reads may block on a slow disk: keep them off the I/O threads.
    router.add("GET", "/*", server::Execution::blocking,
               [portal](const server::HttpRequest& request) { return portal->serve(request); });
}

}  // namespace cs::relay::portal_server
