#include "common/config/document.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace cs::config {
namespace {

std::string escape_token(std::string_view token) {
    std::string out;
    for (char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// Walks JSON-with-comments text that nlohmann already accepted and records the
// line of every key and array element. nlohmann keeps no positions, so this
// small scanner supplies them (docs/decisions.md).
class PositionScanner {
public:
    PositionScanner(std::string_view text, std::map<std::string, int>& lines)
        : text_(text), lines_(lines) {}

    void run() {
        // nlohmann skips a UTF-8 byte order mark (Notepad writes one); so must this.
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
            pos_ = 3;
        }
        skip_space();
        value("");
    }

private:
    void skip_space() {
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == '\n') {
                ++line_;
                ++pos_;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                ++pos_;
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
                while (pos_ < text_.size() && text_[pos_] != '\n') {
                    ++pos_;
                }
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
                pos_ += 2;
                while (pos_ + 1 < text_.size() && !(text_[pos_] == '*' && text_[pos_ + 1] == '/')) {
                    if (text_[pos_] == '\n') {
                        ++line_;
                    }
                    ++pos_;
                }
                pos_ += 2;
            } else {
                return;
            }
        }
    }

    std::string string_token() {
        // pos_ is at the opening quote; decode via nlohmann to handle escapes.
        std::size_t start = pos_;
        ++pos_;
        while (pos_ < text_.size() && text_[pos_] != '"') {
            if (text_[pos_] == '\\') {
                ++pos_;
            }
            ++pos_;
        }
        ++pos_;
        auto raw = text_.substr(start, pos_ - start);
        auto parsed = nlohmann::json::parse(raw, nullptr, false);
        return parsed.is_string() ? parsed.get<std::string>() : std::string(raw);
    }

    void value(const std::string& pointer) {
        if (pos_ >= text_.size()) {
            return;
        }
        char c = text_[pos_];
        if (c == '{') {
            ++pos_;
            skip_space();
            while (pos_ < text_.size() && text_[pos_] != '}') {
                int key_line = line_;
                std::string key = string_token();
                std::string child = pointer + "/" + escape_token(key);
                lines_[child] = key_line;
                skip_space();
                ++pos_;  // ':'
                skip_space();
                value(child);
                skip_space();
                if (pos_ < text_.size() && text_[pos_] == ',') {
                    ++pos_;
                    skip_space();
                }
            }
            ++pos_;
        } else if (c == '[') {
            ++pos_;
            skip_space();
            std::size_t index = 0;
            while (pos_ < text_.size() && text_[pos_] != ']') {
                std::string child = pointer + "/" + std::to_string(index++);
                lines_[child] = line_;
                value(child);
                skip_space();
                if (pos_ < text_.size() && text_[pos_] == ',') {
                    ++pos_;
                    skip_space();
                }
            }
            ++pos_;
        } else if (c == '"') {
            string_token();
        } else {
            while (pos_ < text_.size() &&
                   std::string_view(",]} \t\r\n/").find(text_[pos_]) == std::string_view::npos) {
                ++pos_;
            }
        }
    }

    std::string_view text_;
    std::map<std::string, int>& lines_;
    std::size_t pos_ = 0;
    int line_ = 1;
};

std::pair<int, int> line_and_column(std::string_view text, std::size_t byte) {
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

}  // namespace

std::string dotted(std::string_view pointer) {
    std::string out;
    std::size_t pos = 0;
    while (pos < pointer.size()) {
        std::size_t next = pointer.find('/', pos + 1);
        std::string token(pointer.substr(
            pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1));
        // Unescape ~1 and ~0.
        for (std::size_t i = 0; (i = token.find('~', i)) != std::string::npos; ++i) {
            token.replace(i, 2, token.compare(i, 2, "~1") == 0 ? "/" : "~");
        }
        bool numeric = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
        });
        if (numeric) {
            out += "[" + token + "]";
        } else {
            if (!out.empty()) {
                out.push_back('.');
            }
            out += token;
        }
        if (next == std::string_view::npos) {
            break;
        }
        pos = next;
    }
    return out.empty() ? "(root)" : out;
}

Expected<Document> Document::parse(std::string_view text, std::string origin) {
    Document doc;
    doc.origin_ = std::move(origin);
    try {
        doc.root_ = nlohmann::json::parse(text, nullptr, true, /*ignore_comments=*/true);
    } catch (const nlohmann::json::parse_error& e) {
        auto [line, column] = line_and_column(text, e.byte > 0 ? e.byte - 1 : 0);
        std::string what = e.what();
        // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 1, column 2: ".
        auto colon = what.find(": ", what.find("parse error"));
        std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
        return make_error(ErrorCode::parse_error, "{}:{}:{}: invalid JSON: {}", doc.origin_, line,
                          column, reason);
    }
    PositionScanner(text, doc.lines_).run();
    return doc;
}

Expected<Document> Document::load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return make_error(ErrorCode::not_found, "{}: cannot open config file", path.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return make_error(ErrorCode::io_error, "{}: cannot read config file", path.string());
    }
    return parse(text.str(), path.string());
}

Status Document::apply_env_overrides(std::string_view prefix, const char* const* env) {
    if (env == nullptr) {
        return ok();
    }
    std::string marker = std::string(prefix) + "__";
    for (const char* const* entry = env; *entry != nullptr; ++entry) {
        std::string_view item(*entry);
        if (item.substr(0, marker.size()) != marker) {
            continue;
        }
        auto eq = item.find('=');
        if (eq == std::string_view::npos) {
            continue;
        }
        std::string name(item.substr(0, eq));
        std::string_view raw = item.substr(eq + 1);
        std::string path = name.substr(marker.size());
        std::string pointer;
        std::size_t pos = 0;
        while (pos <= path.size()) {
            std::size_t next = path.find("__", pos);
            std::string token =
                path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
            std::transform(token.begin(), token.end(), token.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (token.empty()) {
                return make_error(ErrorCode::invalid_argument,
                                  "environment variable {}: empty path segment", name);
            }
            pointer += "/" + escape_token(token);
            if (next == std::string::npos) {
                break;
            }
            pos = next + 2;
        }
        auto parsed = nlohmann::json::parse(raw, nullptr, false);
        nlohmann::json value = parsed.is_discarded() ? nlohmann::json(std::string(raw)) : parsed;
        try {
            root_[nlohmann::json::json_pointer(pointer)] = value;
        } catch (const nlohmann::json::exception& e) {
            return make_error(ErrorCode::invalid_argument,
                              "environment variable {}: cannot set {}: {}", name, dotted(pointer),
                              e.what());
        }
        env_keys_[pointer] = name;
    }
    return ok();
}

std::string Document::where(const std::string& pointer) const {
    // The nearest enclosing key that has a known origin.
    std::string p = pointer;
    while (true) {
        if (auto it = env_keys_.find(p); it != env_keys_.end()) {
            return "environment variable " + it->second;
        }
        if (auto it = lines_.find(p); it != lines_.end()) {
            return origin_ + ":" + std::to_string(it->second);
        }
        if (p.empty()) {
            return origin_;
        }
        p = p.substr(0, p.rfind('/'));
    }
}

Error Document::error_at(const std::string& pointer, std::string_view why) const {
    return make_error(ErrorCode::invalid_argument, "{}: {}: {}", where(pointer), dotted(pointer),
                      why);
}

}  // namespace cs::config
