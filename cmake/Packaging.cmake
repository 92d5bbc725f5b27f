# Debian packages (scripts/package): contractsync-agent and contractsync-relay,
# one per install component (installer/linux/CMakeLists.txt). dpkg-shlibdeps
# computes the library dependencies from the binaries.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME contractsync)
set(CPACK_PACKAGE_VENDOR "ContractSync")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "ContractSync engineering <engineering@contractsync.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL agent relay)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_WARN_ON_ABSOLUTE_INSTALL_DESTINATION OFF)

set(CPACK_DEBIAN_AGENT_PACKAGE_NAME contractsync-agent)
set(CPACK_COMPONENT_AGENT_DESCRIPTION
    "ContractSync agent: Prophet 21 and vendor files to the ContractSync cloud\n\
Reads Prophet 21 over OData and vendor files from drop folders, keeps compact\n\
change sets in a local outbox and ships them over one outbound TLS connection.")
set(CPACK_DEBIAN_AGENT_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_EXTRA
    "${CS_DEB_CONTROL_DIR}/agent/conffiles;${CS_DEB_CONTROL_DIR}/agent/postinst;${CS_DEB_CONTROL_DIR}/agent/prerm;${CS_DEB_CONTROL_DIR}/agent/postrm")

set(CPACK_DEBIAN_RELAY_PACKAGE_NAME contractsync-relay)
set(CPACK_COMPONENT_RELAY_DESCRIPTION
    "ContractSync relay: agent connections into PostgreSQL\n\
Accepts ContractSync agents over TLS WebSockets, applies their change sets\n\
to PostgreSQL exactly once, and serves the REST API and the web portal.")
set(CPACK_DEBIAN_RELAY_PACKAGE_RECOMMENDS "systemd, postgresql-15")
set(CPACK_DEBIAN_RELAY_PACKAGE_CONTROL_EXTRA
    "${CS_DEB_CONTROL_DIR}/relay/conffiles;${CS_DEB_CONTROL_DIR}/relay/postinst;${CS_DEB_CONTROL_DIR}/relay/prerm;${CS_DEB_CONTROL_DIR}/relay/postrm")
include(CPack)
