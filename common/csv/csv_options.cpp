#include "common/csv/csv_options.hpp"

#include <cstdint>
#include <string>

namespace cs {
namespace {

constexpr std::int64_t kMaxLimit = std::int64_t{1} << 40;

Expected<char> delimiter_char(const config::Reader& reader, std::string_view key, char fallback) {
    auto text = reader.string_or(std::string(key), std::string(1, fallback));
    if (!text) {
        return std::move(text).error();
    }
    const std::string& value = *text;
    if (key == "delimiter") {
        if (value == "\\t" || value == "tab") {
            return '\t';
        }
        if (value == "comma") {
            return ',';
        }
        if (value == "semicolon") {
            return ';';
        }
        if (value == "pipe") {
            return '|';
        }
    }
    if (value.size() != 1 || static_cast<unsigned char>(value[0]) >= 0x80) {
        return reader.error(key, "expected one ASCII character" +
                                     std::string(key == "delimiter" ? " or \"tab\"" : ""));
    }
    return value[0];
}

Status check_char(char c, std::string_view what) {
    if (c == '\r' || c == '\n' || c == '\0') {
        return make_error(ErrorCode::invalid_argument, "{} cannot be a line break or NUL", what);
    }
    return ok();
}

}  // namespace

Status validate(const CsvOptions& options) {
    if (auto s = check_char(options.delimiter, "delimiter"); !s) {
        return s;
    }
    if (auto s = check_char(options.quote, "quote"); !s) {
        return s;
    }
    if (options.delimiter == options.quote) {
        return make_error(ErrorCode::invalid_argument, "delimiter and quote must differ");
    }
    const CsvLimits& l = options.limits;
    if (l.max_field_bytes == 0 || l.max_record_bytes == 0 || l.max_columns == 0 ||
        l.max_batch_bytes == 0 || l.read_chunk_bytes == 0) {
        return make_error(ErrorCode::invalid_argument, "CSV limits must be positive");
    }
    return ok();
}

Expected<CsvOptions> csv_options_from_config(const config::Reader& reader) {
    if (auto s = reader.allow_only({"delimiter", "quote", "header", "skip_lines", "encoding",
                                    "max_field_bytes", "max_record_bytes", "max_columns"});
        !s) {
        return std::move(s).error();
    }
    CsvOptions options;
    auto delimiter = delimiter_char(reader, "delimiter", options.delimiter);
    auto quote = delimiter_char(reader, "quote", options.quote);
    auto header = reader.boolean_or("header", options.header);
    auto skip = reader.integer_or("skip_lines", 0, 0, 1000000);
    auto encoding_name = reader.string_or("encoding", "auto");
    auto max_field = reader.integer_or("max_field_bytes", 1 << 20, 1, kMaxLimit);
    auto max_record = reader.integer_or("max_record_bytes", 4 << 20, 1, kMaxLimit);
    auto max_columns = reader.integer_or("max_columns", 1024, 1, 1 << 20);
    for (const Error* e :
         {delimiter ? nullptr : &delimiter.error(), quote ? nullptr : &quote.error(),
          header ? nullptr : &header.error(), skip ? nullptr : &skip.error(),
          encoding_name ? nullptr : &encoding_name.error(),
          max_field ? nullptr : &max_field.error(), max_record ? nullptr : &max_record.error(),
          max_columns ? nullptr : &max_columns.error()}) {
        if (e != nullptr) {
            return *e;
        }
    }
    auto encoding = text::parse_encoding(*encoding_name);
    if (!encoding) {
        return reader.error("encoding", encoding.error().message);
    }
    options.delimiter = *delimiter;
    options.quote = *quote;
    options.header = *header;
    options.skip_lines = static_cast<std::size_t>(*skip);
    options.encoding = *encoding;
    options.limits.max_field_bytes = static_cast<std::size_t>(*max_field);
    options.limits.max_record_bytes = static_cast<std::size_t>(*max_record);
    options.limits.max_columns = static_cast<std::size_t>(*max_columns);
    if (auto s = validate(options); !s) {
        return reader.error_here(s.error().message);
    }
    return options;
}

}  // namespace cs
