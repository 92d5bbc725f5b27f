#include "common/xlsx/xlsx_options.hpp"

namespace cs {

Expected<XlsxOptions> xlsx_options_from_config(const config::Reader& reader) {
    if (auto s = reader.allow_only({"sheet", "header", "skip_rows", "max_shared_strings_bytes",
                                    "max_cell_bytes", "max_row_bytes", "max_columns",
                                    "max_entry_uncompressed_bytes"});
        !s) {
        return std::move(s).error();
    }
    constexpr std::int64_t kMax = std::int64_t{1} << 40;
    XlsxOptions options;
    const XlsxLimits defaults;
    auto sheet = reader.string_or("sheet", "");
    auto header = reader.boolean_or("header", true);
    auto skip = reader.integer_or("skip_rows", 0, 0, 1048576);
    auto strings =
        reader.integer_or("max_shared_strings_bytes",
                          static_cast<std::int64_t>(defaults.max_shared_strings_bytes), 1, kMax);
    auto cell = reader.integer_or("max_cell_bytes",
                                  static_cast<std::int64_t>(defaults.max_cell_bytes), 1, kMax);
    auto row = reader.integer_or("max_row_bytes", static_cast<std::int64_t>(defaults.max_row_bytes),
                                 1, kMax);
    auto columns =
        reader.integer_or("max_columns", static_cast<std::int64_t>(defaults.max_columns), 1, 16384);
    auto entry = reader.integer_or("max_entry_uncompressed_bytes",
                                   static_cast<std::int64_t>(defaults.max_entry_uncompressed_bytes),
                                   1, kMax);
    for (const Error* e :
         {sheet ? nullptr : &sheet.error(), header ? nullptr : &header.error(),
          skip ? nullptr : &skip.error(), strings ? nullptr : &strings.error(),
          cell ? nullptr : &cell.error(), row ? nullptr : &row.error(),
          columns ? nullptr : &columns.error(), entry ? nullptr : &entry.error()}) {
        if (e != nullptr) {
            return *e;
        }
    }
    options.sheet = *sheet;
    options.header = *header;
    options.skip_rows = static_cast<std::size_t>(*skip);
    options.limits.max_shared_strings_bytes = static_cast<std::size_t>(*strings);
    options.limits.max_cell_bytes = static_cast<std::size_t>(*cell);
    options.limits.max_row_bytes = static_cast<std::size_t>(*row);
    options.limits.max_columns = static_cast<std::size_t>(*columns);
    options.limits.max_entry_uncompressed_bytes = static_cast<std::uint64_t>(*entry);
    return options;
}

}  // namespace cs
