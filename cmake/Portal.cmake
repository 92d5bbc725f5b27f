# The portal's web source (relay/portal) built into ${PROJECT_BINARY_DIR}/portal,
# which the relay serves from api.portal_dir. `npm ci` installs exactly the
# committed lockfile (again only when it changes); `npm run build` type-checks
# and runs Vite, which writes hashed file names under assets/.
option(CS_PORTAL "Build the web portal (needs node and npm)" ON)
find_program(CS_NPM npm)
find_program(CS_NODE node)
set(CS_PORTAL_DIR ${PROJECT_BINARY_DIR}/portal CACHE INTERNAL "The built portal")
if(NOT CS_PORTAL)
    return()
endif()
if(NOT CS_NPM OR NOT CS_NODE)
    message(STATUS "node/npm not found: the portal is not built (scripts/test installs them)")
    return()
endif()

set(_portal_src ${PROJECT_SOURCE_DIR}/relay/portal)
# Inside node_modules, so a deleted node_modules is installed again; shared by
# every build directory of this checkout.
set(_portal_installed ${_portal_src}/node_modules/.contractsync-npm-ci)
add_custom_command(
    OUTPUT ${_portal_installed}
    COMMAND ${CS_NPM} ci --no-audit --no-fund --loglevel=error
    COMMAND ${CMAKE_COMMAND} -E touch ${_portal_installed}
    WORKING_DIRECTORY ${_portal_src}
    DEPENDS ${_portal_src}/package.json ${_portal_src}/package-lock.json
    COMMENT "Installing the portal's npm packages from the lockfile (npm ci)"
    VERBATIM)
file(GLOB_RECURSE _portal_inputs CONFIGURE_DEPENDS ${_portal_src}/src/* ${_portal_src}/public/*)
add_custom_command(
    OUTPUT ${CS_PORTAL_DIR}/index.html
    COMMAND ${CS_NPM} run --silent build -- --outDir ${CS_PORTAL_DIR} --emptyOutDir --logLevel warn
    WORKING_DIRECTORY ${_portal_src}
    DEPENDS ${_portal_installed} ${_portal_inputs} ${_portal_src}/index.html
            ${_portal_src}/vite.config.js ${_portal_src}/tsconfig.json
    COMMENT "Building the portal (tsc --noEmit, vite build)"
    VERBATIM)
add_custom_target(portal ALL DEPENDS ${CS_PORTAL_DIR}/index.html)
# The relay package serves it from here (api.portal_dir in installer/linux/relay.json).
install(DIRECTORY ${CS_PORTAL_DIR}/ DESTINATION share/contractsync-relay/portal COMPONENT relay)
