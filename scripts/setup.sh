#!/usr/bin/env bash
# Installs everything Spindle needs on a Debian machine: the C → WebAssembly toolchain used to build the
# example and test guests (clang, lld, wasi-libc), then the npm dependencies, which include the pinned
# Node.js 26 runtime. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(clang lld wasi-libc libclang-rt-dev-wasm32 docker-registry skopeo apache2-utils redis-server containerd runc
  chromium fonts-liberation postgresql mosquitto)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
