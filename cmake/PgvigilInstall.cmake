# Install rules: `cmake --install build` lays pgvigil out as a distribution package would.
#
#   bin/pgvigil                               the daemon (test programs are not installed)
#   lib/systemd/system/pgvigil.service        the unit; it runs /usr/bin/pgvigil
#   /etc/pgvigil/pgvigil.yaml                 the example configuration (<prefix>/etc/... unless
#                                             the prefix is /usr or /)
#   share/pgvigil/dashboards/                 Grafana dashboards and Prometheus rules
#   share/doc/pgvigil/                        README.md and the example configuration
#
# Included from the top-level CMakeLists.txt after the pgvigil target is defined.

# The unit's ExecStart is /usr/bin/pgvigil, so a fresh build directory installs there.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

# Not CMAKE_INSTALL_LIBDIR: on Debian that is lib/<multiarch>, where systemd looks for no units.
set(PGVIGIL_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING
    "Directory of the systemd unit, relative to the install prefix")

install(TARGETS pgvigil RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES systemd/pgvigil.service DESTINATION ${PGVIGIL_SYSTEMD_UNIT_DIR})
install(FILES README.md config/pgvigil.yaml DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The configuration and the dashboards are placed by a script run at install time: the
# configuration directory depends on the prefix given to `cmake --install --prefix`, which the
# configure step cannot know, and dashboards/ may not exist in every checkout.
install(CODE "set(PGVIGIL_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
set(PGVIGIL_DASHBOARDS_DIR \"${CMAKE_INSTALL_DATADIR}/pgvigil/dashboards\")")
install(SCRIPT cmake/PgvigilInstallFiles.cmake)
