#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"
#include "relay/recon/types.hpp"
#include "relay/recon/vendor_file_reader.hpp"
#include "relay/storage/blob_store.hpp"

namespace cs::relay::recon {

// An uploaded vendor contract file as recorded.
struct VendorFile {
    std::string file_id;
    std::string name;
    std::string format;     // csv | xlsx
    std::string vendor_id;  // as named with the upload; empty: from the file
    std::string blob_key;
    std::uint64_t size_bytes = 0;
    std::string sha256;
    std::string status;  // accepted | partial | rejected | superseded
    std::uint64_t lines_total = 0;
    std::uint64_t lines_accepted = 0;
    std::uint64_t lines_rejected = 0;
    std::string error;  // why a rejected file could not be read at all
    std::string uploaded_by;
    std::string uploaded_at;  // ISO 8601
};

struct VendorUpload {
    std::string file_name;   // as the user named it; shown in messages, never a path
    std::string_view bytes;  // the file in memory, unless `staged` is set
    ReadOptions options;     // vendor / contract when the file lacks them, limits
    Actor uploaded_by;
    // The file on disk in the store's staging area instead (an upload the
    // server streamed there): read from disk and moved into the store.
    storage::StagedFile* staged = nullptr;
};

struct IngestReport {
    VendorFile file;
    std::vector<LineError> errors;       // the first options.limits.max_errors_kept
    std::uint64_t superseded_lines = 0;  // lines of earlier uploads this file replaced
    AuditRecord audit;
};

// The blob store key of an uploaded file.
std::string vendor_file_blob_key(std::string_view tenant_id, std::string_view file_id);

// Keeps the original bytes in `store`, reads the file (read_vendor_file,
// streamed from the staged file: memory grows with the accepted lines, never
// with the file) and
// records it with its accepted lines and the errors of the others. The new
// file's lines replace every line of earlier uploads with the same vendor and
// contract number (a file is the whole contract). A file that cannot be read at
// all is recorded as rejected, with its bytes kept, and the report says why;
// only a file over limits.max_file_bytes is refused without being stored
// (limit_exceeded). Marks the tenant's inputs changed for the scheduler.
Expected<IngestReport> ingest_vendor_file(db::Connection& conn, storage::BlobStore& store,
                                          std::string_view tenant_id, const VendorUpload& upload);

// Newest first; `cursor` from the previous page.
Expected<Page<VendorFile>> list_vendor_files(db::Connection& conn, std::string_view tenant_id,
                                             std::string_view cursor, int limit);
Expected<VendorFile> get_vendor_file(db::Connection& conn, std::string_view tenant_id,
                                     std::string_view file_id);
// The stored line errors of a file, in line order.
Expected<std::vector<LineError>> vendor_file_errors(db::Connection& conn,
                                                    std::string_view tenant_id,
                                                    std::string_view file_id);

nlohmann::json to_json(const VendorFile& file);
nlohmann::json to_json(const LineError& error);

}  // namespace cs::relay::recon
