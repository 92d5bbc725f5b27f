// Files as Windows has them: drive letters, spaces, paths past 260
// characters, UNC shares, configs saved by Notepad (UTF-8 BOM, CRLF), and
// files another program still holds (a copy in progress, Excel's lock),
// which are never read half-way and are picked up on a later poll.
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <windows.h>
// aclapi.h needs windows.h before it.
#include <aclapi.h>
#include <sddl.h>

#include "agent/config/agent_config.hpp"
#include "agent/outbox/outbox.hpp"
#include "agent/sync/sync_runner.hpp"
#include "common/csv/csv_input.hpp"
#include "common/fs/file.hpp"
#include "common/hash/file_hash.hpp"
#include "common/text/windows/wide.hpp"
#include "common/xlsx/zip_archive.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace cs::agent {
namespace {

namespace stdfs = std::filesystem;

void write_file(const stdfs::path& path, const std::string& bytes) {
    auto file = cs::fs::open_for_writing(path);
    ASSERT_TRUE(file) << file.error().message;
    ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), file->get()), bytes.size());
}

std::string read_all(const stdfs::path& path) {
    auto file = cs::fs::open_for_reading(path);
    EXPECT_TRUE(file) << file.error().message;
    if (!file) {
        return {};
    }
    std::string out;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file->get())) > 0;) {
        out.append(buffer, n);
    }
    return out;
}

// Another program holding a file the way a copy in progress or Excel does:
// open for writing, sharing it with readers only.
class HeldFile {
public:
    explicit HeldFile(const stdfs::path& path) {
        handle_ =
            CreateFileW(cs::fs::long_form(path).c_str(), GENERIC_READ | GENERIC_WRITE,
                        FILE_SHARE_READ, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
        EXPECT_NE(handle_, INVALID_HANDLE_VALUE) << GetLastError();
    }
    ~HeldFile() { release(); }
    void release() {
        if (handle_ != INVALID_HANDLE_VALUE) {
            CloseHandle(handle_);
            handle_ = INVALID_HANDLE_VALUE;
        }
    }

private:
    HANDLE handle_ = INVALID_HANDLE_VALUE;
};

TEST(WindowsPaths, LongFormAddsThePrefixThatLiftsTheLengthLimit) {
    using cs::fs::long_form;
    EXPECT_EQ(long_form(L"C:\\ProgramData\\ContractSync\\Agent").native(),
              L"\\\\?\\C:\\ProgramData\\ContractSync\\Agent");
    EXPECT_EQ(long_form(L"C:/Vendor Files/./in/../drop").native(),
              L"\\\\?\\C:\\Vendor Files\\drop");
    EXPECT_EQ(long_form(L"\\\\fileserver\\vendor files\\acme.csv").native(),
              L"\\\\?\\UNC\\fileserver\\vendor files\\acme.csv");
    EXPECT_EQ(long_form(L"\\\\?\\C:\\already").native(), L"\\\\?\\C:\\already");
    EXPECT_EQ(long_form(L"relative\\drop").native(), L"relative\\drop");
}

TEST(WindowsPaths, Utf8RoundTripsThroughWidePaths) {
    const std::string name =
        "C:\\Lieferanten \xC3\x9C"
        "bersicht\\\xE4\xB8\xAD.csv";
    stdfs::path path = cs::fs::from_utf8(name);
    EXPECT_EQ(path.native(), L"C:\\Lieferanten \u00DCbersicht\\\u4E2D.csv");
    EXPECT_EQ(cs::fs::to_utf8(path), name);
}

TEST(WindowsPaths, SpacesNonAsciiAndPathsPast260CharactersReadAndWrite) {
    testing::TempDir dir;
    stdfs::path deep = dir.path() / L"vendor files \u00DCbersicht";
    while (deep.native().size() < 300) {
        deep /= L"a folder with a rather long name for contracts";
    }
    std::error_code ec;
    stdfs::create_directories(cs::fs::long_form(deep), ec);
    ASSERT_FALSE(ec) << ec.message();
    const stdfs::path csv = deep / L"acme contract 2026.csv";
    ASSERT_GT(csv.native().size(), 300u);
    write_file(csv, "item,price\r\nA-1,12.50\r\n");
    EXPECT_EQ(read_all(csv), "item,price\r\nA-1,12.50\r\n");
    EXPECT_TRUE(cs::hash_file(csv)) << "the content fingerprint reads long paths too";
    {
        auto input = csv::Input::open_file(csv, 1 << 16);
        ASSERT_TRUE(input) << input.error().message;
        EXPECT_NE(input->name().find("acme contract 2026.csv"), std::string::npos) << input->name();
    }
    // std::filesystem::remove_all stops at 260 characters on Windows; the
    // long path goes one level at a time.
    EXPECT_TRUE(stdfs::remove(cs::fs::long_form(csv), ec)) << ec.message();
    for (stdfs::path level = deep; level != dir.path(); level = level.parent_path()) {
        EXPECT_TRUE(stdfs::remove(cs::fs::long_form(level), ec)) << ec.message();
    }
}

TEST(WindowsPaths, OwnerOnlyFilesAreCreatedWithTheirOwnAclAndReplaceAnOldFile) {
    testing::TempDir dir;
    const stdfs::path bundle = dir.path() / L"support bundle.zip";
    write_file(bundle, "an older bundle, readable by the folder's ACL");
    {
        auto file = cs::fs::open_for_writing(bundle, cs::fs::Visibility::owner_only);
        ASSERT_TRUE(file) << file.error().message;
        ASSERT_GE(std::fputs("new", file->get()), 0);
    }
    EXPECT_EQ(read_all(bundle), "new");
    // The ACL it was created with: protected, owner, SYSTEM and Administrators.
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL dacl = nullptr;
    ASSERT_EQ(GetNamedSecurityInfoW(bundle.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                                    nullptr, nullptr, &dacl, nullptr, &descriptor),
              ERROR_SUCCESS);
    ASSERT_NE(dacl, nullptr);
    // (Wine keeps the ACEs but not the "protected" flag, so only they are checked.)
    EXPECT_GE(dacl->AceCount, 2);  // owner rights may fold into Administrators
    for (const wchar_t* other : {L"S-1-1-0", L"S-1-5-11", L"S-1-5-32-545"}) {
        PSID sid = nullptr;
        ASSERT_TRUE(ConvertStringSidToSidW(other, &sid));
        for (DWORD i = 0; i < dacl->AceCount; ++i) {
            ACCESS_ALLOWED_ACE* ace = nullptr;
            ASSERT_TRUE(GetAce(dacl, i, reinterpret_cast<void**>(&ace)));
            EXPECT_FALSE(EqualSid(reinterpret_cast<PSID>(&ace->SidStart), sid))
                << "an ACE for " << cs::text::narrow(other);
        }
        LocalFree(sid);
    }
    LocalFree(descriptor);
    auto missing = cs::fs::open_for_writing(dir.path() / L"no such folder" / L"x.zip",
                                            cs::fs::Visibility::owner_only);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::not_found) << missing.error().message;
}

TEST(WindowsPaths, ConfigFromNotepadWithBomCrlfAndWindowsPaths) {
    testing::TempDir dir;
    const std::string text =
        "\xEF\xBB\xBF{\r\n"
        "  // saved by Notepad: UTF-8 with a BOM, CRLF line ends\r\n"
        "  \"agent\": { \"state_dir\": \"C:\\\\ProgramData\\\\ContractSync\\\\Agent\\\\state\" "
        "},\r\n"
        "  \"sources\": {\r\n"
        "    \"share\": { \"type\": \"folder\", \"path\": \"\\\\\\\\fileserver\\\\vendor "
        "files\\\\\" },\r\n"
        "    \"local\": { \"type\": \"folder\", \"path\": \"D:/Vendor Drop\" }\r\n"
        "  },\r\n"
        "  \"entities\": [\r\n"
        "    { \"name\": \"items\", \"source\": \"share\", \"key\": [\"item_id\"],\r\n"
        "      \"fields\": [ { \"name\": \"item_id\" } ] }\r\n"
        "  ]\r\n"
        "}\r\n";
    write_file(dir / "agent.json", text);
    auto config = load_agent_config(dir / "agent.json", nullptr);
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->state_dir.native(), L"C:\\ProgramData\\ContractSync\\Agent\\state");
    // A UNC share is an absolute path: not resolved against the config's folder.
    const auto& share = std::get<FolderSourceConfig>(config->find_source("share")->settings);
    EXPECT_EQ(share.path.native(), L"\\\\fileserver\\vendor files\\");
    EXPECT_EQ(cs::fs::long_form(share.path).native(), L"\\\\?\\UNC\\fileserver\\vendor files\\");
    // Forward slashes are Windows separators too; the config keeps Windows' own.
    const auto& local = std::get<FolderSourceConfig>(config->find_source("local")->settings);
    EXPECT_EQ(local.path.native(), L"D:\\Vendor Drop");

    // An error still names the right line when lines end in CRLF.
    std::string bad = text;
    bad.replace(bad.find("\"key\""), 5, "\"keys\"");
    write_file(dir / "bad.json", bad);
    auto refused = load_agent_config(dir / "bad.json", nullptr);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("bad.json:9:"), std::string::npos)
        << refused.error().message;
}

TEST(WindowsFilesInUse, AFileHeldForWritingIsRefusedUntilItIsReleased) {
    testing::TempDir dir;
    const stdfs::path path = dir / "contract.csv";
    write_file(path, "item\nA\n");
    HeldFile held(path);
    auto refused = cs::fs::open_for_reading(path);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
    EXPECT_NE(refused.error().message.find("contract.csv: in use by another program"),
              std::string::npos)
        << refused.error().message;
    EXPECT_EQ(cs::hash_file(path).error().code, ErrorCode::unavailable);
    EXPECT_EQ(csv::Input::open_file(path, 4096).error().code, ErrorCode::unavailable);
    held.release();
    EXPECT_EQ(read_all(path), "item\nA\n");
}

TEST(WindowsFilesInUse, WhileTheAgentReadsNobodyCanStartWriting) {
    testing::TempDir dir;
    const stdfs::path path = dir / "contract.csv";
    write_file(path, "item\nA\n");
    auto reading = cs::fs::open_for_reading(path);
    ASSERT_TRUE(reading) << reading.error().message;
    HANDLE writer = CreateFileW(path.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    EXPECT_EQ(writer, INVALID_HANDLE_VALUE);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SHARING_VIOLATION));
    if (writer != INVALID_HANDLE_VALUE) {
        CloseHandle(writer);
    }
}

TEST(WindowsFilesInUse, AWorkbookOpenInExcelIsRefusedAsInUse) {
    testing::TempDir dir;
    const stdfs::path path = dir / "contract.xlsx";
    write_file(path, std::string("PK\x03\x04", 4) + std::string(64, '\0'));
    HeldFile excel(path);
    auto refused = xlsx::ZipArchive::open_file(path);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::unavailable) << refused.error().message;
}

TEST(WindowsFilesInUse, ADropFolderSyncSkipsAHeldFileAndReadsItOnTheNextPoll) {
    testing::TempDir dir;
    write_file(dir / "agent.json", R"({
  "sources": { "drop": { "type": "folder", "path": "vendor drop", "stable_for": "0s" } },
  "entities": [
    { "name": "contract_lines", "source": "drop", "files": { "patterns": ["*.csv"] },
      "key": ["item"], "fields": [ { "name": "item" }, { "name": "price", "type": "decimal" } ] }
  ]
})");
    auto config = load_agent_config(dir / "agent.json", nullptr);
    ASSERT_TRUE(config) << config.error().message;
    stdfs::create_directories(dir.path() / "vendor drop");
    const stdfs::path csv = dir.path() / "vendor drop" / "acme 2026.csv";
    write_file(csv, "item,price\r\nA-1,12.50\r\nA-2,3.10\r\n");
    stdfs::last_write_time(csv, stdfs::file_time_type::clock::now() - std::chrono::minutes(5));
    stdfs::create_directories(config->state_dir);
    auto store = StateDb::open(config->state_db());
    ASSERT_TRUE(store) << store.error().message;

    HeldFile held(csv);
    auto skipped = sync_entities(*config, *store, {});
    ASSERT_TRUE(skipped) << skipped.error().message;
    EXPECT_TRUE(skipped->runs.empty());
    ASSERT_EQ(skipped->notes.size(), 1u);
    EXPECT_NE(skipped->notes[0].find("acme 2026.csv: in use by another program"), std::string::npos)
        << skipped->notes[0];
    EXPECT_NE(skipped->notes[0].find("it will be read on a later poll"), std::string::npos);
    EXPECT_TRUE(stdfs::exists(csv)) << "a held file stays where it is, not in failed/";
    EXPECT_FALSE(stdfs::exists(dir.path() / "vendor drop" / "failed"));

    held.release();
    auto read = sync_entities(*config, *store, {});
    ASSERT_TRUE(read) << read.error().message;
    ASSERT_EQ(read->runs.size(), 1u);
    EXPECT_EQ(read->runs[0].status, RunStatus::succeeded) << read->runs[0].error;
    EXPECT_EQ(read->runs[0].counts.inserted, 2);
    EXPECT_TRUE(stdfs::exists(dir.path() / "vendor drop" / "processed" / "acme 2026.csv"));
}

}  // namespace
}  // namespace cs::agent
