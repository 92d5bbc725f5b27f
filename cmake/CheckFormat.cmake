# cmake -DCLANG_FORMAT=... -DSOURCE_DIR=... -P CheckFormat.cmake
# Fails listing every project source that clang-format would change.
file(GLOB_RECURSE sources
     ${SOURCE_DIR}/common/*.cpp ${SOURCE_DIR}/common/*.hpp
     ${SOURCE_DIR}/agent/*.cpp ${SOURCE_DIR}/agent/*.hpp
     ${SOURCE_DIR}/relay/*.cpp ${SOURCE_DIR}/relay/*.hpp
     ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.hpp)
list(FILTER sources EXCLUDE REGEX "/node_modules/")
set(unformatted "")
foreach(f IN LISTS sources)
    execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${f}
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(NOT rc EQUAL 0)
        list(APPEND unformatted ${f})
    endif()
endforeach()
if(unformatted)
    list(JOIN unformatted "\n  " pretty)
    message(FATAL_ERROR "not clang-formatted (run scripts/format):\n  ${pretty}")
endif()
