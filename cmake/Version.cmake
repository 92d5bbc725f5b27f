# The version string: project version plus the git commit when built from a checkout.
set(CS_VERSION "${PROJECT_VERSION}")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=10 HEAD
                    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                    OUTPUT_VARIABLE CS_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                    ERROR_QUIET RESULT_VARIABLE git_result)
    if(git_result EQUAL 0 AND CS_GIT_COMMIT)
        set(CS_VERSION "${PROJECT_VERSION}+g${CS_GIT_COMMIT}")
    endif()
endif()
message(STATUS "ContractSync version ${CS_VERSION}")
