# Runs at install time (see PgvigilInstall.cmake), with CMAKE_INSTALL_PREFIX being the prefix
# given to `cmake --install`. file(INSTALL) honours DESTDIR and records the install manifest.

# GNUInstallDirs' rule for the configuration directory: /etc for the system prefixes,
# /etc/opt/<name> for /opt/<name>, <prefix>/etc otherwise.
if(CMAKE_INSTALL_PREFIX MATCHES "^/(usr/?)?$")
  set(pgvigil_sysconf_dir /etc)
elseif(CMAKE_INSTALL_PREFIX MATCHES "^/opt/")
  set(pgvigil_sysconf_dir "/etc${CMAKE_INSTALL_PREFIX}")
else()
  set(pgvigil_sysconf_dir "${CMAKE_INSTALL_PREFIX}/etc")
endif()

# An edited configuration is never overwritten; the example is also in the doc directory.
set(pgvigil_config "$ENV{DESTDIR}${pgvigil_sysconf_dir}/pgvigil/pgvigil.yaml")
if(EXISTS "${pgvigil_config}")
  message(STATUS "Keeping existing: ${pgvigil_config}")
else()
  file(INSTALL DESTINATION "${pgvigil_sysconf_dir}/pgvigil" TYPE FILE
       FILES "${PGVIGIL_SOURCE_DIR}/config/pgvigil.yaml")
endif()

# Dashboards and the rules file, but not the rule tests (*.test.yml) promtool runs.
file(GLOB pgvigil_dashboards "${PGVIGIL_SOURCE_DIR}/dashboards/*.json")
if(EXISTS "${PGVIGIL_SOURCE_DIR}/dashboards/pgvigil-rules.yml")
  list(APPEND pgvigil_dashboards "${PGVIGIL_SOURCE_DIR}/dashboards/pgvigil-rules.yml")
endif()
if(pgvigil_dashboards)
  file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/${PGVIGIL_DASHBOARDS_DIR}" TYPE FILE
       FILES ${pgvigil_dashboards})
endif()
