#!/usr/bin/env bash
# Installs what concbench needs from Debian 12's packages, and only what is missing.
# Usage: ci/install-deps.sh [--fuzz]   (--fuzz: also clang and libFuzzer for ci/fuzz.sh)
# Idempotent: a second run installs nothing and exits 0. Needs root (or sudo) when
# something is missing. Why these packages (and not others): docs/pitfalls.md "Packages".
set -euo pipefail

packages=(
  # the toolchain (a minimal Debian 12 has none of it)
  g++ cmake make git ca-certificates
  # libraries: Boost 1.81 (Asio, Beast, Process; not the 1.74 default), JSON, benchmark, tests
  libboost1.81-dev libboost-filesystem1.81-dev nlohmann-json3-dev
  libbenchmark-dev libbenchmark-tools libgtest-dev
  # the charts and their tests run on Debian's interpreter, /usr/bin/python3
  python3 python3-matplotlib python3-numpy python3-pytest
  # the report's JSON schema is checked against real reports in the tests
  python3-jsonschema
  # every Python file is checked by pyflakes, every C++ file by clang-format (ctest entries)
  python3-pyflakes clang-format
  # the http client's peer in ci/wrk-ratio.sh
  wrk
)

# ci/fuzz.sh: libFuzzer comes with Debian's clang (kept out of a plain build: docs/pitfalls.md
# "Packages").
if [[ ${1:-} == --fuzz ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
