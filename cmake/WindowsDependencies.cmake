# The Windows agent's dependencies, under the same target names that
# Dependencies.cmake gives the Debian packages on Linux, so the modules'
# CMakeLists.txt do not change. Compiled libraries come from the prefix that
# installer/windows/deps/build.sh builds from Debian source packages
# (CS_WINDOWS_DEPS); header-only ones (Boost, nlohmann_json, CLI11) from the
# build host's Debian -dev packages, through a folder that holds only them
# (never all of /usr/include).
if(NOT IS_DIRECTORY "${CS_WINDOWS_DEPS}/lib" OR NOT EXISTS "${CS_WINDOWS_DEPS}/.complete")
    message(FATAL_ERROR "CS_WINDOWS_DEPS='${CS_WINDOWS_DEPS}' is not a finished prefix of "
                        "installer/windows/deps/build.sh")
endif()
# Compiled through a fixed path in the build tree, so that a new prefix with
# the same headers (a tz database update, say) still hits ccache.
set(deps ${PROJECT_BINARY_DIR}/deps)
file(REMOVE ${deps})
file(CREATE_LINK ${CS_WINDOWS_DEPS} ${deps} SYMBOLIC)

set(host_headers ${PROJECT_BINARY_DIR}/host-headers)
file(MAKE_DIRECTORY ${host_headers})
foreach(dir boost nlohmann CLI)
    if(NOT EXISTS /usr/include/${dir})
        message(FATAL_ERROR "/usr/include/${dir} is missing (scripts/lib/packages.txt)")
    endif()
    if(NOT EXISTS ${host_headers}/${dir})
        file(CREATE_LINK /usr/include/${dir} ${host_headers}/${dir} SYMBOLIC)
    endif()
endforeach()

find_package(Threads REQUIRED)

# cs_windows_header_lib(<target> [DEFINES ...] [LIBS ...])
function(cs_windows_header_lib target)
    cmake_parse_arguments(ARG "" "" "DEFINES;LIBS" ${ARGN})
    add_library(${target} INTERFACE IMPORTED GLOBAL)
    target_include_directories(${target} SYSTEM INTERFACE ${host_headers} ${deps}/include)
    target_compile_definitions(${target} INTERFACE ${ARG_DEFINES})
    target_link_libraries(${target} INTERFACE ${ARG_LIBS})
endfunction()

# cs_windows_static_lib(<target> <file in lib/> [DEFINES ...] [LIBS ...] [INCLUDE subdir])
function(cs_windows_static_lib target file)
    cmake_parse_arguments(ARG "" "INCLUDE" "DEFINES;LIBS" ${ARGN})
    if(NOT EXISTS ${deps}/lib/${file})
        message(FATAL_ERROR "${deps}/lib/${file} is missing")
    endif()
    add_library(${target} STATIC IMPORTED GLOBAL)
    set_target_properties(${target} PROPERTIES IMPORTED_LOCATION ${deps}/lib/${file})
    target_include_directories(${target} SYSTEM INTERFACE ${deps}/include ${ARG_INCLUDE})
    target_compile_definitions(${target} INTERFACE ${ARG_DEFINES})
    target_link_libraries(${target} INTERFACE ${ARG_LIBS})
endfunction()

set(win32_defines UNICODE _UNICODE WIN32_LEAN_AND_MEAN NOMINMAX _WIN32_WINNT=0x0A00)
cs_windows_header_lib(Boost::headers DEFINES ${win32_defines} BOOST_ALL_NO_LIB
                      LIBS ws2_32 mswsock)
cs_windows_header_lib(nlohmann_json::nlohmann_json)
cs_windows_header_lib(CLI11::CLI11)

cs_windows_static_lib(fmt::fmt libfmt.a)
cs_windows_static_lib(spdlog::spdlog libspdlog.a DEFINES SPDLOG_COMPILED_LIB SPDLOG_FMT_EXTERNAL
                      LIBS fmt::fmt)
cs_windows_static_lib(OpenSSL::Crypto libcrypto.a LIBS ws2_32 crypt32 advapi32 user32 bcrypt)
cs_windows_static_lib(OpenSSL::SSL libssl.a LIBS OpenSSL::Crypto)
cs_windows_static_lib(cs_windows_zlib libz.a)
cs_windows_static_lib(CURL::libcurl libcurl.a DEFINES CURL_STATICLIB
                      LIBS OpenSSL::SSL cs_windows_zlib ws2_32 crypt32 bcrypt secur32 advapi32)
cs_windows_static_lib(SQLite::SQLite3 libsqlite3.a)
cs_windows_static_lib(cs_zstd libzstd.a)
cs_windows_static_lib(simdjson::simdjson libsimdjson.a)
cs_windows_static_lib(EXPAT::EXPAT libexpat.a DEFINES XML_STATIC)
cs_windows_static_lib(date::date-tz libdate-tz.a
                      DEFINES USE_OS_TZDB=0 HAS_REMOTE_API=0 AUTO_DOWNLOAD=0 ONLY_C_LOCALE=0
                      LIBS ole32 shell32)
cs_windows_static_lib(PkgConfig::XXHASH libxxhash.a)
cs_windows_static_lib(PkgConfig::MINIZIP libminizip.a INCLUDE ${deps}/include/minizip
                      LIBS cs_windows_zlib)
if(CS_BUILD_TESTS)
    cs_windows_static_lib(GTest::gtest libgtest.a LIBS Threads::Threads)
    cs_windows_static_lib(GTest::gmock libgmock.a LIBS GTest::gtest)
    cs_windows_static_lib(GTest::gtest_main libgtest_main.a LIBS GTest::gtest)
endif()

# Boost.URL is compiled, not header-only: its one source file from the host's
# Boost 1.81 headers (the same release as Debian's libboost-url1.81).
file(WRITE ${PROJECT_BINARY_DIR}/boost_url.cpp "#include <boost/url/src.hpp>\n")
add_library(cs_boost_url STATIC ${PROJECT_BINARY_DIR}/boost_url.cpp)
target_link_libraries(cs_boost_url PUBLIC Boost::headers)
add_library(Boost::url ALIAS cs_boost_url)

# The text tz database and CLDR's Windows zone names, beside the executable
# (agent/platform/windows/time_zones.cpp finds them there).
set(CS_WINDOWS_TZDATA ${deps}/share/tzdata)
