#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::xlsx {

class ZipArchive;
class XmlParser;

// Namespace URIs of the parts we read, transitional (what Excel and LibreOffice
// write) and strict ISO 29500.
inline constexpr std::string_view kMainNs =
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
inline constexpr std::string_view kStrictMainNs = "http://purl.oclc.org/ooxml/spreadsheetml/main";
inline constexpr std::string_view kPackageRelsNs =
    "http://schemas.openxmlformats.org/package/2006/relationships";

inline bool is_main_ns(std::string_view ns) {
    return ns == kMainNs || ns == kStrictMainNs;
}

// Expat attributes: alternating names and values, null-terminated. Names are
// "uri|local" for namespaced attributes and plain "local" otherwise.
class XmlAttributes {
public:
    explicit XmlAttributes(const char** attrs) : attrs_(attrs) {}
    // An attribute without a namespace (how all SpreadsheetML attributes come).
    std::string_view get(std::string_view local) const;
    // A namespaced attribute by local name, whatever its namespace (r:id).
    std::string_view get_namespaced(std::string_view local) const;

private:
    const char** attrs_;
};

// SAX callbacks with element names split into namespace URI and local name.
class XmlHandler {
public:
    virtual ~XmlHandler() = default;
    virtual void start(std::string_view ns, std::string_view local, const XmlAttributes& attrs) = 0;
    virtual void end(std::string_view ns, std::string_view local) = 0;
    virtual void text(std::string_view data) = 0;

protected:
    // The parser driving this handler, for suspend() and abort() from callbacks.
    XmlParser& parser() { return *parser_; }

private:
    friend class XmlParser;
    XmlParser* parser_ = nullptr;
};

// A streaming expat parser that refuses DTDs (no XLSX part has one; refusing
// them closes entity-expansion attacks) and that handlers can suspend between
// rows or abort with their own message.
class XmlParser {
public:
    enum class Result : std::uint8_t { ok, suspended, failed };

    explicit XmlParser(XmlHandler& handler);
    ~XmlParser();
    XmlParser(const XmlParser&) = delete;
    XmlParser& operator=(const XmlParser&) = delete;

    Result feed(std::string_view data, bool final);
    Result resume();
    // From inside a handler: pause after the current callback.
    void suspend();
    // From inside a handler: stop with `message` as the failure.
    void abort(std::string message, ErrorCode code = ErrorCode::parse_error);
    // "line 12: mismatched tag" after Result::failed.
    std::string error() const;
    ErrorCode error_code() const { return abort_code_; }

private:
    friend struct XmlCallbacks;
    static Result result_of(int status);

    void* parser_;  // XML_Parser, kept opaque so expat stays out of our headers
    XmlHandler& handler_;
    std::string abort_message_;
    std::uint64_t abort_line_ = 0;
    ErrorCode abort_code_ = ErrorCode::parse_error;
};

// Parses a whole zip entry with `handler`. Errors read
// "vendor.xlsx: xl/styles.xml line 3: not well-formed (invalid token)".
Status parse_entry(ZipArchive& zip, std::string_view entry, std::uint64_t max_bytes,
                   XmlHandler& handler);

}  // namespace cs::xlsx
