#include "relay/recon/vendor_files.hpp"

#include <fstream>
#include <optional>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "common/uuid/uuid.hpp"
#include "relay/recon/atomic.hpp"
#include "relay/recon/sql_util.hpp"

namespace cs::relay::recon {
namespace {

using json = nlohmann::json;

// The file to ingest, staged on disk: the caller's, or the bytes given in memory.
Expected<storage::StagedFile*> staged_input(storage::BlobStore& store, const VendorUpload& upload,
                                            std::optional<storage::StagedFile>& own) {
    if (upload.staged != nullptr) {
        return upload.staged;
    }
    auto writer = store.stage(upload.bytes.size());
    if (!writer) {
        return std::move(writer).error();
    }
    if (auto s = (*writer)->write(upload.bytes); !s) {
        return std::move(s).error();
    }
    auto staged = (*writer)->finish();
    if (!staged) {
        return std::move(staged).error();
    }
    own.emplace(std::move(*staged));
    return &*own;
}

// "xlsx" for a zip package, else "csv": what a file that could not be read claimed to be.
std::string format_of(const std::filesystem::path& path) {
    char head[4] = {};
    std::ifstream(path, std::ios::binary).read(head, sizeof head);
    return std::string_view(head, 4) == std::string_view("PK\x03\x04", 4) ? "xlsx" : "csv";
}

constexpr std::string_view kFileColumns =
    "file_id, name, format, coalesce(vendor_id, ''), blob_key, size_bytes, sha256, status, "
    "lines_total, lines_accepted, lines_rejected, coalesce(error, ''), "
    "coalesce(uploaded_by::text, ''), ";

std::string select_files() {
    return fmt::format("SELECT {}{} FROM recon_vendor_files", kFileColumns,
                       sql::iso("uploaded_at"));
}

VendorFile file_from(const db::Result& r, int row) {
    VendorFile f;
    f.file_id = sql::text(r, row, 0);
    f.name = sql::text(r, row, 1);
    f.format = sql::text(r, row, 2);
    f.vendor_id = sql::text(r, row, 3);
    f.blob_key = sql::text(r, row, 4);
    f.size_bytes = static_cast<std::uint64_t>(r.integer(row, 5));
    f.sha256 = sql::text(r, row, 6);
    f.status = sql::text(r, row, 7);
    f.lines_total = static_cast<std::uint64_t>(r.integer(row, 8));
    f.lines_accepted = static_cast<std::uint64_t>(r.integer(row, 9));
    f.lines_rejected = static_cast<std::uint64_t>(r.integer(row, 10));
    f.error = sql::text(r, row, 11);
    f.uploaded_by = sql::text(r, row, 12);
    f.uploaded_at = sql::text(r, row, 13);
    return f;
}

std::string render_lines(const std::vector<ContractLine>& lines) {
    std::string out;
    out.reserve(lines.size() * 160);
    std::string scratch;
    for (const ContractLine& l : lines) {
        scratch = std::to_string(l.line);
        sql::copy_field(out, scratch);
        sql::copy_field(out, l.vendor_id);
        sql::copy_field(out, l.contract_no);
        sql::copy_field(out, l.vendor_item);
        sql::copy_field(out, l.vendor_uom);
        sql::copy_field(out, l.description.empty()
                                 ? std::nullopt
                                 : std::optional<std::string_view>(l.description));
        std::optional<std::string> size;
        if (l.unit_size) {
            size = l.unit_size->to_string();
        }
        sql::copy_field(out, size);
        scratch = l.price.to_string();
        sql::copy_field(out, scratch);
        sql::copy_field(
            out, l.currency.empty() ? std::nullopt : std::optional<std::string_view>(l.currency));
        std::optional<std::string> start;
        std::optional<std::string> end;
        if (l.effective_start) {
            start = l.effective_start->to_iso();
        }
        if (l.effective_end) {
            end = l.effective_end->to_iso();
        }
        sql::copy_field(out, start);
        sql::copy_field(out, end, true);
    }
    return out;
}

// PostgreSQL text holds no NUL character; a raw line may.
std::string without_nul(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c != '\0') {
            out.push_back(c);
        }
    }
    return out;
}

json errors_json(const std::vector<LineError>& errors) {
    json out = json::array();
    int n = 0;
    for (const LineError& e : errors) {
        out.push_back({{"error_no", ++n},
                       {"line", e.line},
                       {"field", e.field.empty() ? json() : json(e.field)},
                       {"message", without_nul(e.message)},
                       {"raw", without_nul(e.raw)}});
    }
    return out;
}

Status insert_lines(db::Connection& conn, std::string_view tenant_id, std::string_view file_id,
                    const std::vector<ContractLine>& lines) {
    // COPY into a temporary table, then INSERT: COPY FROM is refused on tables
    // with row-level security for the roles it applies to (the API's).
    auto created = conn.exec("staging contract lines", R"sql(
        DROP TABLE IF EXISTS pg_temp.cs_recon_upload;
        CREATE TEMP TABLE cs_recon_upload (
            line_no bigint, vendor_id text, contract_no text, vendor_item text, vendor_uom text,
            description text, unit_size numeric, price numeric, currency text,
            effective_start date, effective_end date) ON COMMIT DROP)sql");
    if (!created) {
        return std::move(created).error();
    }
    auto copied = conn.copy_in("staging contract lines", "COPY cs_recon_upload FROM STDIN",
                               render_lines(lines));
    if (!copied) {
        return std::move(copied).error();
    }
    auto inserted = conn.query("storing contract lines", R"sql(
        INSERT INTO recon_contract_lines (tenant_id, file_id, line_no, vendor_id, contract_no,
            vendor_item, vendor_uom, description, unit_size, price, currency, effective_start,
            effective_end, line_key, item_upper)
        SELECT $1::uuid, $2::uuid, line_no, vendor_id, contract_no, vendor_item, vendor_uom,
               description, unit_size, price, currency, effective_start, effective_end,
               concat_ws(E'\x1f', vendor_id, contract_no, vendor_item, vendor_uom),
               upper(vendor_item)
        FROM cs_recon_upload)sql",
                               db::Params().text(tenant_id).text(file_id));
    if (!inserted) {
        return std::move(inserted).error();
    }
    auto dropped = conn.exec("staging contract lines", "DROP TABLE pg_temp.cs_recon_upload");
    if (!dropped) {
        return std::move(dropped).error();
    }
    return ok();
}

// Removes the lines of earlier uploads for the vendors and contracts this file
// brings (before its own lines go in: a line's identity is unique), then marks
// files left without lines superseded.
Expected<std::uint64_t> supersede(db::Connection& conn, std::string_view tenant_id,
                                  std::string_view file_id,
                                  const std::vector<ContractLine>& lines) {
    std::set<std::pair<std::string, std::string>> contracts;
    for (const ContractLine& l : lines) {
        contracts.emplace(l.vendor_id, l.contract_no);
    }
    json keys = json::array();
    for (const auto& [vendor, contract] : contracts) {
        keys.push_back({vendor, contract});
    }
    auto removed = conn.query("replacing earlier contract lines", R"sql(
        DELETE FROM recon_contract_lines l
        USING (SELECT k->>0 AS vendor_id, k->>1 AS contract_no
               FROM jsonb_array_elements($3::jsonb) k) c
        WHERE l.tenant_id = $1::uuid AND l.file_id <> $2::uuid
          AND l.vendor_id = c.vendor_id AND l.contract_no = c.contract_no)sql",
                              db::Params().text(tenant_id).text(file_id).text(keys.dump()));
    if (!removed) {
        return std::move(removed).error();
    }
    return static_cast<std::uint64_t>(removed->affected());
}

Status mark_superseded(db::Connection& conn, std::string_view tenant_id, std::string_view file_id) {
    auto marked = conn.query("marking replaced files", R"sql(
        UPDATE recon_vendor_files f SET status = 'superseded'
        WHERE f.tenant_id = $1::uuid AND f.file_id <> $2::uuid AND f.status IN ('accepted', 'partial')
          AND NOT EXISTS (SELECT 1 FROM recon_contract_lines l
                          WHERE l.tenant_id = f.tenant_id AND l.file_id = f.file_id))sql",
                             db::Params().text(tenant_id).text(file_id));
    if (!marked) {
        return std::move(marked).error();
    }
    return ok();
}

}  // namespace

std::string vendor_file_blob_key(std::string_view tenant_id, std::string_view file_id) {
    return fmt::format("tenants/{}/vendor-files/{}", tenant_id, file_id);
}

Expected<IngestReport> ingest_vendor_file(db::Connection& conn, storage::BlobStore& store,
                                          std::string_view tenant_id, const VendorUpload& upload) {
    const auto& limits = upload.options.limits;
    const std::uint64_t size =
        upload.staged != nullptr ? upload.staged->size() : upload.bytes.size();
    if (size > limits.max_file_bytes) {
        return make_error(ErrorCode::limit_exceeded, "{}: {} bytes, more than the {} allowed",
                          upload.file_name, size, limits.max_file_bytes);
    }
    if (upload.file_name.empty() || upload.file_name.size() > 255) {
        return make_error(ErrorCode::invalid_argument, "a vendor file needs a name of 1-255 bytes");
    }
    auto tenant = canonical_uuid(tenant_id, "tenant id");
    if (!tenant) {
        return std::move(tenant).error();
    }
    IngestReport report;
    VendorFile& file = report.file;
    file.file_id = uuid_v7().to_string();
    file.name = upload.file_name;
    file.vendor_id = upload.options.vendor_id.value_or("");
    file.blob_key = vendor_file_blob_key(*tenant, file.file_id);
    std::optional<storage::StagedFile> own;
    auto staged = staged_input(store, upload, own);
    if (!staged) {
        return std::move(staged).error().wrap(fmt::format("keeping {}", upload.file_name));
    }
    file.size_bytes = (*staged)->size();
    file.sha256 = (*staged)->sha256();
    file.uploaded_by = upload.uploaded_by.user_id;

    // Read where it was staged, then kept before anything is recorded:
    // whatever happens to its lines, the file itself is never lost.
    auto read = read_vendor_file_at(upload.file_name, (*staged)->path(), upload.options);
    if (!read) {
        file.format = format_of((*staged)->path());
    }
    if (auto s = store.put_staged(file.blob_key, **staged); !s) {
        return std::move(s).error().wrap(fmt::format("keeping {}", upload.file_name));
    }
    ReadResult content;
    if (read) {
        content = std::move(*read);
        file.format = content.format;
        file.lines_total = content.lines_total;
        file.lines_accepted = content.lines.size();
        file.lines_rejected = content.lines_rejected;
        if (content.lines.empty()) {
            file.status = "rejected";
            file.error = content.lines_total == 0
                             ? fmt::format("{}: no contract lines", upload.file_name)
                             : fmt::format("{}: none of its {} lines could be accepted",
                                           upload.file_name, content.lines_total);
        } else {
            file.status = content.lines_rejected > 0 ? "partial" : "accepted";
        }
        report.errors = content.errors;
    } else {
        file.status = "rejected";
        file.error = read.error().message;
    }

    auto unit = Atomic::begin(conn);
    if (!unit) {
        (void)store.remove(file.blob_key);
        return std::move(unit).error();
    }
    auto fail = [&](Error e) -> Expected<IngestReport> {
        (void)store.remove(file.blob_key);  // nothing in the database refers to it
        return e.wrap(fmt::format("recording {}", upload.file_name));
    };
    auto inserted = conn.query("recording a vendor file", R"sql(
        INSERT INTO recon_vendor_files (tenant_id, file_id, name, format, vendor_id, blob_key,
            size_bytes, sha256, status, lines_total, lines_accepted, lines_rejected, error,
            uploaded_by)
        VALUES ($1::uuid, $2::uuid, $3, $4, nullif($5, ''), $6, $7::bigint, $8, $9, $10::int,
                $11::int, $12::int, nullif($13, ''), nullif($14, '')::uuid)
        RETURNING )sql" + sql::iso("uploaded_at"),
                               db::Params()
                                   .text(*tenant)
                                   .text(file.file_id)
                                   .text(file.name)
                                   .text(file.format)
                                   .text(file.vendor_id)
                                   .text(file.blob_key)
                                   .integer(static_cast<std::int64_t>(file.size_bytes))
                                   .text(file.sha256)
                                   .text(file.status)
                                   .integer(static_cast<std::int64_t>(file.lines_total))
                                   .integer(static_cast<std::int64_t>(file.lines_accepted))
                                   .integer(static_cast<std::int64_t>(file.lines_rejected))
                                   .text(file.error)
                                   .text(file.uploaded_by));
    if (!inserted) {
        return fail(std::move(inserted).error());
    }
    file.uploaded_at = sql::text(*inserted, 0, 0);
    if (!report.errors.empty()) {
        auto errors =
            conn.query("recording line errors", R"sql(
            INSERT INTO recon_vendor_file_errors (tenant_id, file_id, error_no, line, field,
                                                  message, raw)
            SELECT $1::uuid, $2::uuid, e.error_no, e.line, e.field, e.message, e.raw
            FROM jsonb_to_recordset($3::jsonb)
                 AS e(error_no int, line bigint, field text, message text, raw text))sql",
                       db::Params()
                           .text(*tenant)
                           .text(file.file_id)
                           .text(errors_json(report.errors)
                                     .dump(-1, ' ', false, json::error_handler_t::replace)));
        if (!errors) {
            return fail(std::move(errors).error());
        }
    }
    if (!content.lines.empty()) {
        auto superseded = supersede(conn, *tenant, file.file_id, content.lines);
        if (!superseded) {
            return fail(std::move(superseded).error());
        }
        report.superseded_lines = *superseded;
        if (auto s = insert_lines(conn, *tenant, file.file_id, content.lines); !s) {
            return fail(std::move(s).error());
        }
        if (auto s = mark_superseded(conn, *tenant, file.file_id); !s) {
            return fail(std::move(s).error());
        }
        if (auto s = sql::mark_inputs_changed(conn, *tenant); !s) {
            return fail(std::move(s).error());
        }
    }
    if (auto s = unit->commit(); !s) {
        return fail(std::move(s).error());
    }
    report.audit.action = "recon.vendor_file.upload";
    report.audit.entity_type = "recon_vendor_file";
    report.audit.entity_id = file.file_id;
    report.audit.after = {{"name", file.name},
                          {"format", file.format},
                          {"status", file.status},
                          {"size_bytes", file.size_bytes},
                          {"sha256", file.sha256},
                          {"lines_accepted", file.lines_accepted},
                          {"lines_rejected", file.lines_rejected},
                          {"superseded_lines", report.superseded_lines}};
    return report;
}

json to_json(const VendorFile& f) {
    auto nullable = [](const std::string& s) { return s.empty() ? json() : json(s); };
    return {{"file_id", f.file_id},
            {"name", f.name},
            {"format", f.format},
            {"vendor_id", nullable(f.vendor_id)},
            {"size_bytes", f.size_bytes},
            {"sha256", f.sha256},
            {"status", f.status},
            {"lines_total", f.lines_total},
            {"lines_accepted", f.lines_accepted},
            {"lines_rejected", f.lines_rejected},
            {"error", nullable(f.error)},
            {"uploaded_by", nullable(f.uploaded_by)},
            {"uploaded_at", f.uploaded_at}};
}

json to_json(const LineError& e) {
    return {{"line", e.line},
            {"field", e.field.empty() ? json() : json(e.field)},
            {"message", e.message},
            {"raw", e.raw}};
}

Expected<Page<VendorFile>> list_vendor_files(db::Connection& conn, std::string_view tenant_id,
                                             std::string_view cursor, int limit) {
    auto after = sql::parse_uuid_cursor(cursor);
    if (!after) {
        return std::move(after).error();
    }
    int n = sql::page_size(limit);
    auto r = conn.query("listing vendor files",
                        select_files() +
                            " WHERE tenant_id = $1::uuid AND ($2 = '' OR file_id < nullif($2, "
                            "'')::uuid) ORDER BY file_id DESC LIMIT $3::int",
                        db::Params().text(tenant_id).text(*after).integer(n + 1));
    if (!r) {
        return std::move(r).error();
    }
    return sql::uuid_page(*r, n, file_from, &VendorFile::file_id);
}

Expected<VendorFile> get_vendor_file(db::Connection& conn, std::string_view tenant_id,
                                     std::string_view file_id) {
    auto id = canonical_uuid(file_id, "vendor file id");
    if (!id) {
        return std::move(id).error();
    }
    auto r = conn.query("reading a vendor file",
                        select_files() + " WHERE tenant_id = $1::uuid AND file_id = $2::uuid",
                        db::Params().text(tenant_id).text(*id));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::not_found, "vendor file {} not found", *id);
    }
    return file_from(*r, 0);
}

Expected<std::vector<LineError>> vendor_file_errors(db::Connection& conn,
                                                    std::string_view tenant_id,
                                                    std::string_view file_id) {
    auto id = canonical_uuid(file_id, "vendor file id");
    if (!id) {
        return std::move(id).error();
    }
    auto r = conn.query("reading vendor file errors",
                        "SELECT line, coalesce(field, ''), message, coalesce(raw, '') "
                        "FROM recon_vendor_file_errors WHERE tenant_id = $1::uuid AND file_id = "
                        "$2::uuid ORDER BY line, error_no",
                        db::Params().text(tenant_id).text(*id));
    if (!r) {
        return std::move(r).error();
    }
    std::vector<LineError> out;
    for (int i = 0; i < r->rows(); ++i) {
        out.push_back(LineError{static_cast<std::uint64_t>(r->integer(i, 0)), sql::text(*r, i, 1),
                                sql::text(*r, i, 2), sql::text(*r, i, 3)});
    }
    return out;
}

}  // namespace cs::relay::recon
