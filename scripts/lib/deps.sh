# shellcheck shell=bash
# Shared by scripts/demo and scripts/test: installs the Debian packages pgvigil needs to build,
# test and run its demo, and configures + builds a build directory. Source it; it defines
# functions only.

PGVIGIL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# postgresql-contrib-15 is only a virtual name here (provided by postgresql-15); dpkg-query
# cannot see virtual packages, so the real package names are listed.
PGVIGIL_DEBIAN_PACKAGES=(
  cmake ninja-build g++ pkg-config
  libpq-dev libyaml-cpp-dev libspdlog-dev libfmt-dev prometheus-cpp-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev nlohmann-json3-dev
  postgresql-15 postgresql-contrib
  prometheus prometheus-alertmanager wrk python3 curl procps
)

# Prints the packages from PGVIGIL_DEBIAN_PACKAGES that are not installed, one per line.
pgvigil_missing_packages() {
  local installed
  # dpkg-query fails for names it has never seen; those simply count as missing.
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PGVIGIL_DEBIAN_PACKAGES[@]}" 2>/dev/null || true)
  installed=$(awk '$2 == "installed" { print $1 }' <<<"$installed")
  local package
  for package in "${PGVIGIL_DEBIAN_PACKAGES[@]}"; do
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

# Installs whatever is missing; says nothing when everything is already there.
pgvigil_install_deps() {
  local missing
  mapfile -t missing < <(pgvigil_missing_packages)
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
