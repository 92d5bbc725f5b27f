#pragma once

#include <filesystem>
#include <string_view>

#include "common/base/expected.hpp"

// The pure parts of serving the portal's files: which file a URL path names,
// and what to tell the browser about it.
namespace cs::relay::portal_server {

// The file a URL path (without the query) names, relative to the portal root:
// percent-decoded, "/" -> "index.html". Refuses (invalid_argument) malformed
// escapes, NUL and control bytes, backslashes, encoded slashes, empty, "." and
// ".." segments, and hidden names (".git", ".env"), so a result never leaves
// the root lexically; symlinks are checked against the root when opening.
Expected<std::filesystem::path> file_for_url_path(std::string_view url_path);

// The Content-Type for a file, by extension; application/octet-stream when unknown.
std::string_view content_type_for(const std::filesystem::path& file);

// True for files whose names carry a content hash (Vite writes them to
// assets/): they never change, so browsers may keep them for a year.
bool is_immutable_asset(const std::filesystem::path& relative);

// A path the single-page app may own: a missing file there gets index.html.
// Paths of API namespaces, under assets/, or whose last segment has an
// extension (a missing script, image or favicon) get a 404 instead, so a
// broken link to a file never turns into HTML.
bool is_app_route(std::string_view url_path);

}  // namespace cs::relay::portal_server
