# `cpack` in a build directory makes a Debian package (.deb) and a tarball (.tar.gz) of the three programs
# with the files of resources/ (installer/check-package.sh builds, checks and installs it).
set(CPACK_PACKAGE_NAME "gmail-sync-admin")
set(CPACK_PACKAGE_VENDOR "Gmail Sync Admin developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Sync Gmail mailboxes of many tenants into PostgreSQL, with an admin GUI")
set(CPACK_PACKAGE_DESCRIPTION
    "Gmail Sync Admin syncs the Gmail mailboxes of many tenants into one PostgreSQL
database and lets operators watch and steer that sync.
.
This package contains gmail-sync (command line and headless worker, with a
hardened systemd service), gmail-sync-admin (the Qt desktop application) and
gmail-sandbox (a local server speaking Google's Gmail, OAuth 2.0 and Pub/Sub
wire formats, used by the demo).")
set(CPACK_PACKAGE_CONTACT "Gmail Sync Admin developers <maintainers@gmail-sync-admin.invalid>")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://gmail-sync-admin.invalid/")
set(CPACK_GENERATOR "DEB;TGZ")
# cpack (and the install target) install what is built instead of first building everything, tests included:
# installer/check-package.sh builds the packaged targets (nothing left to do after tests/run.sh).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
# Binaries without debug symbols in the packages, also from the Debug (dev) tree CI has already built.
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_PACKAGE_RELEASE ${GSA_DEBIAN_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SECTION "mail")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Qt plugins (SQL driver, platform) are dlopened: shlibdeps cannot see them. adduser for systems without systemd-sysusers.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-psql, qt6-qpa-plugins, adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-15, gnome-keyring, xdg-utils")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/resources/debian/postinst;${PROJECT_SOURCE_DIR}/resources/debian/prerm;${PROJECT_SOURCE_DIR}/resources/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
include(CPack)
