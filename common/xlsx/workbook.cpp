#include "common/xlsx/workbook.hpp"

#include <map>

#include "common/xlsx/xml_parser.hpp"
#include "common/xlsx/zip_archive.hpp"

namespace cs::xlsx {
namespace {

// A package holds only a handful of relationships and sheets; anything past these
// counts is not a spreadsheet a person made.
constexpr std::size_t kMaxRelationships = 100000;

struct Relationship {
    std::string type;  // the last segment of the type URI: "worksheet", "styles", ...
    std::string target;
    bool external = false;
};

class RelsHandler final : public XmlHandler {
public:
    std::map<std::string, Relationship> by_id;
    std::vector<Relationship> in_order;

    void start(std::string_view, std::string_view local, const XmlAttributes& attrs) override {
        if (local != "Relationship" || in_order.size() >= kMaxRelationships) {
            return;
        }
        std::string_view type = attrs.get("Type");
        type = type.substr(type.rfind('/') == std::string_view::npos ? 0 : type.rfind('/') + 1);
        Relationship rel{std::string(type), std::string(attrs.get("Target")),
                         attrs.get("TargetMode") == "External"};
        by_id.emplace(std::string(attrs.get("Id")), rel);
        in_order.push_back(std::move(rel));
    }
    void end(std::string_view, std::string_view) override {}
    void text(std::string_view) override {}
};

class WorkbookHandler final : public XmlHandler {
public:
    struct Sheet {
        std::string name;
        std::string rel_id;
    };
    std::vector<Sheet> sheets;
    bool date1904 = false;

    void start(std::string_view ns, std::string_view local, const XmlAttributes& attrs) override {
        if (!is_main_ns(ns)) {
            return;
        }
        if (local == "workbookPr") {
            const std::string_view v = attrs.get("date1904");
            date1904 = v == "1" || v == "true";
        } else if (local == "sheet" && sheets.size() < kMaxRelationships) {
            sheets.push_back(
                {std::string(attrs.get("name")), std::string(attrs.get_namespaced("id"))});
        }
    }
    void end(std::string_view, std::string_view) override {}
    void text(std::string_view) override {}
};

std::string rels_part_for(std::string_view part) {
    const std::size_t slash = part.rfind('/');
    const std::string_view dir = slash == std::string_view::npos ? "" : part.substr(0, slash + 1);
    const std::string_view file = slash == std::string_view::npos ? part : part.substr(slash + 1);
    return std::string(dir) + "_rels/" + std::string(file) + ".rels";
}

}  // namespace

std::string resolve_part(std::string_view source_part, std::string_view target) {
    std::string path;
    if (!target.empty() && target.front() == '/') {
        target.remove_prefix(1);
    } else {
        const std::size_t slash = source_part.rfind('/');
        if (slash != std::string_view::npos) {
            path = std::string(source_part.substr(0, slash));
        }
    }
    while (!target.empty()) {
        const std::size_t slash = target.find('/');
        const std::string_view segment = target.substr(0, slash);
        target = slash == std::string_view::npos ? std::string_view() : target.substr(slash + 1);
        if (segment.empty() || segment == ".") {
            continue;
        }
        if (segment == "..") {
            const std::size_t up = path.rfind('/');
            path.erase(up == std::string::npos ? 0 : up);
            continue;
        }
        if (!path.empty()) {
            path += '/';
        }
        path += segment;
    }
    return path;
}

Expected<Workbook> read_workbook(ZipArchive& zip, std::uint64_t max_part_bytes) {
    Workbook book;
    if (zip.contains("_rels/.rels")) {
        RelsHandler package;
        if (auto s = parse_entry(zip, "_rels/.rels", max_part_bytes, package); !s) {
            return std::move(s).error();
        }
        for (const Relationship& rel : package.in_order) {
            if (rel.type == "officeDocument" && !rel.external) {
                book.part = resolve_part("", rel.target);
                break;
            }
        }
    }
    if (book.part.empty() || !zip.contains(book.part)) {
        // Some hand-rolled writers omit the package relationships; Excel itself
        // always uses this name.
        book.part = "xl/workbook.xml";
    }
    if (!zip.contains(book.part)) {
        return make_error(ErrorCode::parse_error,
                          "{}: not an .xlsx workbook: no workbook part (xl/workbook.xml)",
                          zip.name());
    }
    RelsHandler rels;
    const std::string rels_part = rels_part_for(book.part);
    if (zip.contains(rels_part)) {
        if (auto s = parse_entry(zip, rels_part, max_part_bytes, rels); !s) {
            return std::move(s).error();
        }
    }
    WorkbookHandler workbook;
    if (auto s = parse_entry(zip, book.part, max_part_bytes, workbook); !s) {
        return std::move(s).error();
    }
    book.date1904 = workbook.date1904;
    for (const Relationship& rel : rels.in_order) {
        if (rel.external) {
            continue;
        }
        if (rel.type == "sharedStrings" && book.shared_strings_part.empty()) {
            book.shared_strings_part = resolve_part(book.part, rel.target);
        } else if (rel.type == "styles" && book.styles_part.empty()) {
            book.styles_part = resolve_part(book.part, rel.target);
        }
    }
    for (const auto& sheet : workbook.sheets) {
        auto rel = rels.by_id.find(sheet.rel_id);
        if (rel == rels.by_id.end() || rel->second.external) {
            return make_error(ErrorCode::parse_error,
                              "{}: {}: sheet '{}' has no relationship '{}' in {}", zip.name(),
                              book.part, sheet.name, sheet.rel_id, rels_part);
        }
        book.sheets.push_back({sheet.name, resolve_part(book.part, rel->second.target),
                               rel->second.type == "worksheet"});
    }
    if (book.sheets.empty()) {
        return make_error(ErrorCode::parse_error, "{}: {}: the workbook lists no sheets",
                          zip.name(), book.part);
    }
    return book;
}

}  // namespace cs::xlsx
