#!/usr/bin/env bash
# Installs what tunebench needs from Debian's packages, only what is missing (idempotent).
# Needs root (or sudo) when something has to be installed. `--tests` adds what the test
# suite needs beyond the build: headless Chromium, which renders the HTML report.
set -euo pipefail

packages=(
  build-essential cmake ccache git pkg-config
  libtorch-dev            # LibTorch 1.13 (CPU)
  libopenblas0-pthread    # without it LibTorch falls back to the reference BLAS (~8x slower training)
  libsqlite3-dev sqlite3
  nlohmann-json3-dev
  libboost-dev libboost-filesystem-dev   # Boost.Process and its filesystem dependency
  libgtest-dev libgmock-dev
  libbenchmark-dev
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "tunebench setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "tunebench setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# LibTorch must see OpenBLAS, not the reference BLAS, through Debian's alternatives.
blas=$(update-alternatives --query "libblas.so.3-$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)" 2>/dev/null | awk '/^Value:/{print $2}')
case "$blas" in
  *openblas*) ;;
  *) echo "tunebench setup: warning: libblas.so.3 points to '${blas:-nothing}', not OpenBLAS; training will be slow" >&2 ;;
esac
