#include "tests/common/xlsx/package_builder.hpp"

#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <unistd.h>
#include <zip.h>

namespace cs::test {

namespace {
zipFile as_zip(void* z) {
    return static_cast<zipFile>(z);
}
constexpr std::string_view kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
}  // namespace

ZipWriter::ZipWriter(const std::filesystem::path& path)
    : zip_(zipOpen64(path.string().c_str(), APPEND_STATUS_CREATE)) {}

ZipWriter::~ZipWriter() {
    if (zip_ != nullptr) {
        zipClose(as_zip(zip_), nullptr);
    }
}

void ZipWriter::add(std::string_view name, std::string_view data) {
    std::string copy(data);
    bool first = true;
    add_streamed(name, [&](std::string& chunk) {
        if (!first) {
            return false;
        }
        first = false;
        chunk = copy;
        return true;
    });
}

void ZipWriter::add_streamed(std::string_view name,
                             const std::function<bool(std::string& chunk)>& next_chunk) {
    zip_fileinfo info{};
    zipOpenNewFileInZip64(as_zip(zip_), std::string(name).c_str(), &info, nullptr, 0, nullptr, 0,
                          nullptr, Z_DEFLATED, 1, 1);
    std::string chunk;
    while (next_chunk(chunk)) {
        zipWriteInFileInZip(as_zip(zip_), chunk.data(), static_cast<unsigned>(chunk.size()));
        chunk.clear();
    }
    zipCloseFileInZip(as_zip(zip_));
}

std::string worksheet(std::string_view rows, std::string_view before_data) {
    return fmt::format(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
                       "\n<worksheet xmlns=\"{}\">{}<sheetData>{}</sheetData></worksheet>",
                       kMain, before_data, rows);
}

std::string shared_strings(std::string_view items) {
    return fmt::format(R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{}">{}</sst>)", kMain,
                       items);
}

std::string styles(std::string_view num_fmts, const std::vector<int>& num_fmt_ids) {
    std::string xfs;
    for (int id : num_fmt_ids) {
        xfs += fmt::format(R"(<xf numFmtId="{}" fontId="0" fillId="0" borderId="0"/>)", id);
    }
    return fmt::format(
        R"(<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{}"><numFmts>{}</numFmts>)"
        R"(<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs>{}</cellXfs>)"
        R"(</styleSheet>)",
        kMain, num_fmts, xfs);
}

std::string build_xlsx(const Package& package) {
    const auto path =
        std::filesystem::temp_directory_path() / fmt::format("cs_xlsx_build_{}.xlsx", ::getpid());
    {
        ZipWriter zip(path);
        zip.add(
            "[Content_Types].xml",
            R"(<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)");
        zip.add(
            "_rels/.rels",
            R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
            R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>)"
            R"(</Relationships>)");
        std::string sheets;
        std::string rels;
        for (std::size_t i = 0; i < package.sheets.size(); ++i) {
            sheets += fmt::format(R"(<sheet name="{}" sheetId="{}" r:id="rId{}"/>)",
                                  package.sheets[i].first, i + 1, i + 10);
            rels += fmt::format(
                R"(<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{}.xml"/>)",
                i + 10, i + 1);
            zip.add(fmt::format("xl/worksheets/sheet{}.xml", i + 1), package.sheets[i].second);
        }
        if (!package.shared_strings.empty()) {
            rels +=
                R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)";
            zip.add("xl/sharedStrings.xml", package.shared_strings);
        }
        if (!package.styles.empty()) {
            rels +=
                R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml"/>)";
            zip.add("xl/styles.xml", package.styles);
        }
        zip.add(
            "xl/workbook.xml",
            fmt::format(
                R"(<?xml version="1.0"?><workbook xmlns="{}" )"
                R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
                R"({}<sheets>{}</sheets></workbook>)",
                kMain, package.workbook_pr, sheets));
        zip.add(
            "xl/_rels/workbook.xml.rels",
            R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)" +
                rels + "</Relationships>");
    }
    std::string bytes;
    {
        // Closed before the removal: Windows deletes no file that is still open.
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::filesystem::remove(path);
    return bytes;
}

}  // namespace cs::test
