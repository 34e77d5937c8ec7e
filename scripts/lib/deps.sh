# shellcheck shell=bash
# Shared by scripts/demo and scripts/test: installs the Debian packages pgvigil needs to build,
# test and run its demo, and configures + builds a build directory. Source it; it defines
# functions only.

PGVIGIL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# What building pgvigil and running its unit tests needs; the Dockerfile's build stage installs
# only these.
PGVIGIL_BUILD_PACKAGES=(
  cmake ninja-build g++ pkg-config
  libpq-dev libyaml-cpp-dev libspdlog-dev libfmt-dev prometheus-cpp-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libssl-dev nlohmann-json3-dev
)

# What the integration tests, the demo and the benchmarks need besides: PostgreSQL servers,
# Prometheus, Alertmanager and HAProxy, load and HTTP tools, and systemd-analyze and strace for
# the unit file.
# postgresql-contrib-15 is only a virtual name here (provided by postgresql-15); dpkg-query
# cannot see virtual packages, so the real package names are listed.
PGVIGIL_TEST_PACKAGES=(
  libbenchmark-dev
  postgresql-15 postgresql-contrib
  prometheus prometheus-alertmanager haproxy wrk python3 curl procps systemd strace
)

PGVIGIL_DEBIAN_PACKAGES=("${PGVIGIL_BUILD_PACKAGES[@]}" "${PGVIGIL_TEST_PACKAGES[@]}")

# pgvigil_missing_packages [PACKAGE...]
# Prints the packages given (default: PGVIGIL_DEBIAN_PACKAGES) that are not installed, one per
# line.
pgvigil_missing_packages() {
  local wanted=("$@")
  ((${#wanted[@]} > 0)) || wanted=("${PGVIGIL_DEBIAN_PACKAGES[@]}")
  local installed
  # dpkg-query fails for names it has never seen; those simply count as missing.
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${wanted[@]}" 2>/dev/null || true)
  installed=$(awk '$2 == "installed" { print $1 }' <<<"$installed")
  local package
  for package in "${wanted[@]}"; do
    grep -qxF "$package" <<<"$installed" || echo "$package"
  done
}

# Runs a command as root: directly when we are root, else through sudo.
pgvigil_as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "pgvigil: installing packages needs root or sudo: $*" >&2
    return 1
  fi
}

# pgvigil_install_packages PACKAGE...
# Installs those of the packages that are missing; says nothing when all are already there.
pgvigil_install_packages() {
  local missing
  mapfile -t missing < <(pgvigil_missing_packages "$@")
  ((${#missing[@]} == 0)) && return 0

  echo "pgvigil: installing ${#missing[@]} missing package(s): ${missing[*]}" >&2
  local log
  log=$(mktemp /tmp/pgvigil-apt.XXXXXX)
  if ! pgvigil_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 ||
    ! pgvigil_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}" >>"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "pgvigil: package installation failed" >&2
    return 1
  fi
  rm -f "$log"
}

# Everything: build, unit and integration tests, demo, benchmarks.
pgvigil_install_deps() { pgvigil_install_packages "${PGVIGIL_DEBIAN_PACKAGES[@]}"; }

# Only what building pgvigil and running its unit tests needs.
pgvigil_install_build_deps() { pgvigil_install_packages "${PGVIGIL_BUILD_PACKAGES[@]}"; }

# pgvigil_build BUILD_DIR BUILD_TYPE [extra cmake arguments...]
# Configures with Ninja (output kept in BUILD_DIR.configure.log, shown on failure) and builds
# every target on all cores.
pgvigil_build() {
  local dir=$1 type=$2
  shift 2
  [[ $dir == /* ]] || dir="$PGVIGIL_ROOT/$dir"
  if ! cmake -S "$PGVIGIL_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >"$dir.configure.log" 2>&1; then
    cat "$dir.configure.log" >&2
    return 1
  fi
  cmake --build "$dir" -j "$(nproc)"
}
