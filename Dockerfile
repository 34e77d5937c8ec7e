# pgvigil in a container: a build stage that builds the daemon and runs the unit tests, and a
# slim runtime stage with the daemon and its shared libraries only.
#
#   docker build -t pgvigil .
#
# Base images are pinned to a Debian point release, the one the test suite runs on. Pin by
# digest too (debian:12.11-slim@sha256:...) where the registry can be reached to look it up.

FROM debian:12.11-slim AS build
SHELL ["/bin/bash", "-euo", "pipefail", "-c"]
WORKDIR /src
# The packages are installed first, so that a source change does not install them again.
COPY scripts/lib/deps.sh scripts/lib/deps.sh
RUN source scripts/lib/deps.sh && pgvigil_install_build_deps
COPY . .
# The same commands as README.md's Docker section (a test keeps them identical): build, unit
# tests, and the install rules into /staging (stripped).
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
RUN cmake --build build --target pgvigil unit_tests
RUN ctest --test-dir build -L unit --output-on-failure
RUN DESTDIR=/staging cmake --install build --strip

FROM debian:12.11-slim AS runtime
# The shared libraries build/pgvigil links against (a test compares this list with the
# binary), and CA certificates for TLS to PostgreSQL and webhook receivers.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libpq5 libyaml-cpp0.7 libspdlog1.10 libfmt9 libprometheus-cpp-core1.0 libcpp-httplib0.11 \
       libssl3 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# The installed layout (README.md, Install) without the example /etc/pgvigil/pgvigil.yaml: the
# configuration is always mounted, so a forgotten mount fails instead of watching nothing.
COPY --from=build /staging/usr/bin/pgvigil /usr/bin/pgvigil
COPY --from=build /staging/usr/share/ /usr/share/
# A named account (libpq looks the user up for its defaults) whose home is daemon.state_dir,
# where the spool and the audit and slow-query logs live: mount a volume there to keep them.
RUN groupadd --system --gid 10001 pgvigil \
    && useradd --system --uid 10001 --gid pgvigil --home-dir /var/lib/pgvigil --shell /usr/sbin/nologin pgvigil \
    && install -d -m 0700 -o pgvigil -g pgvigil /var/lib/pgvigil
USER 10001:10001
# Inside a container the listener must face the container's interface, not its loopback; the
# mounted configuration says `listen: ${PGVIGIL_HTTP_LISTEN}` (see README.md).
ENV PGVIGIL_HTTP_LISTEN=0.0.0.0:9188
EXPOSE 9188
# GET /livez through bash's /dev/tcp: the slim image has no HTTP client, and installing one
# for this alone would double the image's package count. Plain HTTP on the port of
# PGVIGIL_HTTP_LISTEN; replace the check if the listener uses TLS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD bash -c 'exec 3<>"/dev/tcp/127.0.0.1/${PGVIGIL_HTTP_LISTEN##*:}" && printf "GET /livez HTTP/1.0\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'
ENTRYPOINT ["/usr/bin/pgvigil"]
CMD ["--config", "/etc/pgvigil/pgvigil.yaml"]
