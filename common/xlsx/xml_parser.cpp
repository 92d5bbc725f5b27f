#include "common/xlsx/xml_parser.hpp"

#include <cstring>
#include <vector>

#include <expat.h>
#include <fmt/format.h>

#include "common/xlsx/zip_archive.hpp"

namespace cs::xlsx {
namespace {

constexpr char kNsSeparator = '|';

XML_Parser as_expat(void* p) {
    return static_cast<XML_Parser>(p);
}

std::pair<std::string_view, std::string_view> split_name(const char* name) {
    std::string_view full(name);
    const std::size_t bar = full.rfind(kNsSeparator);
    if (bar == std::string_view::npos) {
        return {{}, full};
    }
    return {full.substr(0, bar), full.substr(bar + 1)};
}

}  // namespace

struct XmlCallbacks {
    static XmlHandler& handler(void* data) { return static_cast<XmlParser*>(data)->handler_; }
    static void start(void* data, const XML_Char* name, const XML_Char** attrs) {
        auto [ns, local] = split_name(name);
        handler(data).start(ns, local, XmlAttributes(attrs));
    }
    static void end(void* data, const XML_Char* name) {
        auto [ns, local] = split_name(name);
        handler(data).end(ns, local);
    }
    static void text(void* data, const XML_Char* s, int len) {
        handler(data).text({s, static_cast<std::size_t>(len)});
    }
    static void doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
        static_cast<XmlParser*>(data)->abort("a DOCTYPE is not allowed in an XLSX part");
    }
};

std::string_view XmlAttributes::get(std::string_view local) const {
    for (const char** a = attrs_; a[0] != nullptr; a += 2) {
        if (local == a[0]) {
            return a[1];
        }
    }
    return {};
}

std::string_view XmlAttributes::get_namespaced(std::string_view local) const {
    for (const char** a = attrs_; a[0] != nullptr; a += 2) {
        auto [ns, name] = split_name(a[0]);
        if (!ns.empty() && name == local) {
            return a[1];
        }
    }
    return {};
}

XmlParser::XmlParser(XmlHandler& handler)
    : parser_(XML_ParserCreateNS(nullptr, kNsSeparator)), handler_(handler) {
    handler_.parser_ = this;
    XML_Parser p = as_expat(parser_);
    XML_SetUserData(p, this);
    XML_SetElementHandler(p, &XmlCallbacks::start, &XmlCallbacks::end);
    XML_SetCharacterDataHandler(p, &XmlCallbacks::text);
    XML_SetStartDoctypeDeclHandler(p, &XmlCallbacks::doctype);
}

XmlParser::~XmlParser() {
    XML_ParserFree(as_expat(parser_));
}

XmlParser::Result XmlParser::result_of(int status) {
    switch (status) {
        case XML_STATUS_OK:
            return Result::ok;
        case XML_STATUS_SUSPENDED:
            return Result::suspended;
        default:
            return Result::failed;
    }
}

XmlParser::Result XmlParser::feed(std::string_view data, bool final) {
    return result_of(XML_Parse(as_expat(parser_), data.data(), static_cast<int>(data.size()),
                               final ? XML_TRUE : XML_FALSE));
}

XmlParser::Result XmlParser::resume() {
    return result_of(XML_ResumeParser(as_expat(parser_)));
}

void XmlParser::suspend() {
    XML_StopParser(as_expat(parser_), XML_TRUE);
}

void XmlParser::abort(std::string message, ErrorCode code) {
    if (abort_message_.empty()) {
        abort_message_ = std::move(message);
        abort_code_ = code;
        abort_line_ = XML_GetCurrentLineNumber(as_expat(parser_));
    }
    XML_StopParser(as_expat(parser_), XML_FALSE);
}

std::string XmlParser::error() const {
    if (!abort_message_.empty()) {
        return fmt::format("line {}: {}", abort_line_, abort_message_);
    }
    XML_Parser p = as_expat(parser_);
    return fmt::format("line {}: {}", XML_GetCurrentLineNumber(p),
                       XML_ErrorString(XML_GetErrorCode(p)));
}

Status parse_entry(ZipArchive& zip, std::string_view entry, std::uint64_t max_bytes,
                   XmlHandler& handler) {
    if (auto s = zip.open_entry(entry, max_bytes); !s) {
        return s;
    }
    XmlParser parser(handler);
    std::vector<char> chunk(64 * 1024);
    for (;;) {
        auto n = zip.read(chunk.data(), chunk.size());
        if (!n) {
            return std::move(n).error();
        }
        if (parser.feed({chunk.data(), *n}, *n == 0) == XmlParser::Result::failed) {
            zip.close_entry();
            return make_error(parser.error_code(), "{}: {} {}", zip.name(), entry, parser.error());
        }
        if (*n == 0) {
            return ok();
        }
    }
}

}  // namespace cs::xlsx
