# cs_module(<name> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
# One small library per module, named after its path (common/hash -> common_hash).
function(cs_module name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
    add_library(${name} STATIC ${ARG_SOURCES})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE cs_warnings ${ARG_PRIVATE_DEPS})
    set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# cs_executable(<name> SOURCES ... DEPS ...): a thin program over module libraries.
function(cs_executable name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE cs_warnings ${ARG_DEPS})
endfunction()
