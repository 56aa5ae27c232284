# install(): what `cmake --install` and the Debian package (cmake/Package.cmake) put where.
# Tests, the simulator and the fuzzers are not installed.
include(GNUInstallDirs)

install(TARGETS amtcfg RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Man pages, compressed as Debian wants them: gzip -9n (no name, no timestamp: reproducible).
find_program(GZIP_EXECUTABLE gzip REQUIRED)
set(amtcfg_docs_gz "")
foreach(page amtcfg.1 amtcfg-profile.5)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  set(gz ${CMAKE_BINARY_DIR}/generated/man/${page}.gz)
  add_custom_command(OUTPUT ${gz}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated/man
    COMMAND ${GZIP_EXECUTABLE} -9nc ${CMAKE_SOURCE_DIR}/man/${page} > ${gz}
    DEPENDS ${CMAKE_SOURCE_DIR}/man/${page} VERBATIM)
  list(APPEND amtcfg_docs_gz ${gz})
  install(FILES ${gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
# The upstream changelog as /usr/share/doc/amtcfg/changelog.gz.
set(changelog_gz ${CMAKE_BINARY_DIR}/generated/doc/changelog.gz)
add_custom_command(OUTPUT ${changelog_gz}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated/doc
  COMMAND ${GZIP_EXECUTABLE} -9nc ${CMAKE_SOURCE_DIR}/CHANGELOG.md > ${changelog_gz}
  DEPENDS ${CMAKE_SOURCE_DIR}/CHANGELOG.md VERBATIM)
list(APPEND amtcfg_docs_gz ${changelog_gz})
add_custom_target(amtcfg_docs ALL DEPENDS ${amtcfg_docs_gz})
install(FILES ${changelog_gz} DESTINATION ${CMAKE_INSTALL_DOCDIR})

# systemd units: systemd's own directory when its pkg-config file names one (Debian 12:
# /lib/systemd/system), else lib/systemd/system under the prefix.
find_package(PkgConfig QUIET)
set(systemd_unit_dir "")
if(PKG_CONFIG_FOUND)
  pkg_get_variable(systemd_unit_dir systemd systemdsystemunitdir)
endif()
if(NOT systemd_unit_dir)
  set(systemd_unit_dir lib/systemd/system)
endif()
set(AMTCFG_SYSTEMD_UNIT_DIR ${systemd_unit_dir} CACHE STRING "where the systemd units go")
# The service names the installed binary (scripts/ names /usr/local/bin for a manual install):
# rewritten at install time, when the prefix (/usr for the package) is known.
set(service_in ${CMAKE_SOURCE_DIR}/scripts/amtcfg-maintain.service)
set(service_out ${CMAKE_BINARY_DIR}/generated/systemd/amtcfg-maintain.service)
install(CODE "
  file(READ \"${service_in}\" unit)
  string(REPLACE \"/usr/local/bin/amtcfg\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/amtcfg\"
         unit \"\${unit}\")
  file(WRITE \"${service_out}\" \"\${unit}\")")
install(FILES ${service_out} ${CMAKE_SOURCE_DIR}/scripts/amtcfg-maintain.timer
        DESTINATION ${AMTCFG_SYSTEMD_UNIT_DIR})

install(FILES ${CMAKE_SOURCE_DIR}/completions/amtcfg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# Example profiles, the Ansible example and the Windows scheduled task.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${CMAKE_SOURCE_DIR}/scripts/amtcfg-maintain-task.xml
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The JSON Schemas of the --json results (amtcfg(1) JSON RESULTS); their $id names this place.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/schema/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/schema
        FILES_MATCHING PATTERN "*.schema.json")
