# `cpack -G DEB` in a build directory makes a Debian package of the three programs.
set(CPACK_PACKAGE_NAME "gmail-sync-admin")
set(CPACK_PACKAGE_VENDOR "Gmail Sync Admin developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Sync Gmail mailboxes of many tenants into PostgreSQL, with an admin GUI")
set(CPACK_PACKAGE_CONTACT "maintainers@gmail-sync-admin.invalid")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-15, gnome-keyring, xdg-utils")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
