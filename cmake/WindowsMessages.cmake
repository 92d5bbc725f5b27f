# cs_windows_message_table(<target> <file.mc>): compiles an Event Log message
# file with mc.exe (Windows SDK) or windmc (mingw-w64), both of which take the
# same options; <target> gets the generated header on its include path as
# <name>.h. The resource script (<name>.rc) is returned in
# CS_WINDOWS_MESSAGES_RC: resources must be linked into the executable itself,
# a static library's are dropped.
function(cs_windows_message_table target mc_file)
    find_program(CS_MESSAGE_COMPILER NAMES mc windmc x86_64-w64-mingw32-windmc REQUIRED)
    get_filename_component(name ${mc_file} NAME_WE)
    set(out ${CMAKE_CURRENT_BINARY_DIR}/messages)
    add_custom_command(
        OUTPUT ${out}/${name}.h ${out}/${name}.rc
        COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
        COMMAND ${CS_MESSAGE_COMPILER} -h ${out} -r ${out} ${mc_file}
        DEPENDS ${mc_file}
        COMMENT "Compiling the Event Log messages ${name}.mc")
    add_custom_target(${target}_messages DEPENDS ${out}/${name}.h ${out}/${name}.rc)
    add_dependencies(${target} ${target}_messages)
    target_include_directories(${target} PRIVATE ${out})
    set(CS_WINDOWS_MESSAGES_RC ${out}/${name}.rc CACHE INTERNAL "")
endfunction()
