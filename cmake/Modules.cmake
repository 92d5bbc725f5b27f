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

# Adds every immediate subdirectory of the current source dir that has a
# CMakeLists.txt, in name order, so a new module needs no edit to its parent.
function(cs_add_subdirectories)
    file(GLOB children LIST_DIRECTORIES true CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*)
    list(SORT children)
    foreach(child IN LISTS children)
        file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${child})
        # CS_SKIP_DIRS: a regex of source paths to leave out, for building part of a
        # tree while other parts are being rewritten. Empty in every normal build.
        if(CS_SKIP_DIRS AND rel MATCHES "^(${CS_SKIP_DIRS})$")
            continue()
        endif()
        if(IS_DIRECTORY ${child} AND EXISTS ${child}/CMakeLists.txt)
            add_subdirectory(${child})
        endif()
    endforeach()
endfunction()
