# cpack -G DEB: amtcfg_<version>-<release>_<arch>.deb, laid out as Debian policy wants it.
# Run `cpack -G DEB` in the build tree; tests/package/test_package.sh checks the result.
set(CPACK_PACKAGE_NAME amtcfg)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "amtcfg maintainers <maintainers@users.noreply.r-seed-5d65f6c2.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Intel AMT configurator through the Management Engine")
# The long description, wrapped for dpkg (CPack indents each line).
string(JOIN "\n" CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "amtcfg talks to the Intel Management Engine through the MEI (HECI) driver,"
  "reads what Intel AMT is, activates it host-based (client or admin control"
  "mode) and converges it to an XML profile: network, redirection, users, TLS."
  "A second run changes nothing. Generated passwords are escrowed before they"
  "are set. A systemd timer keeps a configured AMT healthy, and amtcfg makes"
  "USB one-touch setup.bin files. With --json every command prints one JSON"
  "object for deployment tools.")
set(CPACK_GENERATOR DEB)
# Install with DESTDIR under /usr, so absolute destinations (/lib/systemd/system) and the
# prefix written into the service both come out as installed.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # amtcfg_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# src/http/curl_api.cpp dlopen()s libcurl: dpkg-shlibdeps cannot see it.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

# The Debian changelog (its version must be the package's) and the DEP-5 copyright file,
# made at configure time; SOURCE_DATE_EPOCH, when set, fixes the date.
set(AMTCFG_DEB_VERSION ${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE})
string(TIMESTAMP AMTCFG_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(AMTCFG_DEB_MAINTAINER ${CPACK_PACKAGE_CONTACT})
set(deb_dir ${CMAKE_BINARY_DIR}/generated/deb)
configure_file(${CMAKE_SOURCE_DIR}/packaging/changelog.Debian.in ${deb_dir}/changelog.Debian @ONLY)
add_custom_command(OUTPUT ${deb_dir}/changelog.Debian.gz
  COMMAND ${GZIP_EXECUTABLE} -9nc ${deb_dir}/changelog.Debian > ${deb_dir}/changelog.Debian.gz
  DEPENDS ${deb_dir}/changelog.Debian VERBATIM)
add_custom_target(amtcfg_deb_changelog ALL DEPENDS ${deb_dir}/changelog.Debian.gz)
install(FILES ${deb_dir}/changelog.Debian.gz ${CMAKE_SOURCE_DIR}/packaging/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Debian's modes: 0755 directories and programs, 0644 everything else (install() already
# gives these; this keeps a umask of the builder out of the package).
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
include(CPack)
