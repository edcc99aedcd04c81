#!/usr/bin/env bash
# Installs (or removes) containerd-shim-spindle-v2 on a node, from inside a privileged pod that mounts the
# node's root filesystem at $HOST_ROOT:
#   install.sh install|uninstall
# install copies the Spindle package from $ASSETS (its bin/, src/, node_modules/ with the pinned Node) to
# <host>/opt/spindle, writes the launcher <host>/opt/spindle/containerd-shim-spindle-v2 (the pinned Node
# running the shim script, so the node needs no Node of its own), and adds the runtime `spindle` to
# containerd's CRI config unless it is there already:
#   containerd 1.x (config version 2): [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.spindle]
#   containerd 2.x (config version 3): [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.spindle]
# Then it restarts containerd through the host's systemd when the config changed (RESTART=never skips it).
# SHIM_SHARING=node makes the launcher run one shim process for every Spindle pod of the node instead of
# one per pod (SPINDLE_SHIM_SHARING; default pod).
# uninstall removes exactly the block it added, and the files. Safe to run again.
set -euo pipefail

HOST_ROOT=${HOST_ROOT:-/host}
ASSETS=${ASSETS:-/assets/spindle}
CONFIG=${CONTAINERD_CONFIG:-/etc/containerd/config.toml}
RESTART=${RESTART:-auto}
SHIM_SHARING=${SHIM_SHARING:-pod}
INSTALL_DIR=/opt/spindle
LAUNCHER=$INSTALL_DIR/containerd-shim-spindle-v2
BEGIN="# BEGIN spindle runtime (added by the spindle node installer)"
END="# END spindle runtime"

config_file() { echo "$HOST_ROOT$CONFIG"; }

plugin_domain() {
  if grep -Eq '^[[:space:]]*version[[:space:]]*=[[:space:]]*3' "$(config_file)" 2>/dev/null; then
    echo "io.containerd.cri.v1.runtime"
  else
    echo "io.containerd.grpc.v1.cri"
  fi
}

runtime_block() {
  local domain
  domain=$(plugin_domain)
  printf '%s\n[plugins."%s".containerd.runtimes.spindle]\n  runtime_type = "%s"\n%s\n' \
    "$BEGIN" "$domain" "$LAUNCHER" "$END"
}

install_files() {
  rm -rf "$HOST_ROOT$INSTALL_DIR.new"
  mkdir -p "$HOST_ROOT$INSTALL_DIR.new"
  cp -a "$ASSETS/." "$HOST_ROOT$INSTALL_DIR.new/"
  cat >"$HOST_ROOT$INSTALL_DIR.new/containerd-shim-spindle-v2" <<LAUNCH
#!/bin/sh
SPINDLE_SHIM_SHARING=$SHIM_SHARING exec $INSTALL_DIR/node_modules/node/bin/node $INSTALL_DIR/bin/containerd-shim-spindle-v2.js "\$@"
LAUNCH
  chmod 0755 "$HOST_ROOT$INSTALL_DIR.new/containerd-shim-spindle-v2"
  rm -rf "$HOST_ROOT$INSTALL_DIR"
  mv "$HOST_ROOT$INSTALL_DIR.new" "$HOST_ROOT$INSTALL_DIR"
}

add_runtime() {
  local file
  file=$(config_file)
  mkdir -p "$(dirname "$file")"
  touch "$file"
  if grep -q 'containerd.runtimes.spindle\]' "$file"; then
    echo "containerd config $CONFIG already has the spindle runtime"
    return 1
  fi
  printf '\n%s\n' "$(runtime_block)" >>"$file"
  echo "added the spindle runtime to $CONFIG ($(plugin_domain))"
}

remove_runtime() {
  local file
  file=$(config_file)
  [ -f "$file" ] && grep -qF "$BEGIN" "$file" || return 1
  sed -i "/^$BEGIN\$/,/^$END\$/d" "$file"
  echo "removed the spindle runtime from $CONFIG"
}

restart_containerd() {
  [ "$RESTART" = never ] && return 0
  if command -v nsenter >/dev/null && [ -d /proc/1 ] && nsenter -t 1 -m -- sh -c 'command -v systemctl' >/dev/null 2>&1; then
    nsenter -t 1 -m -u -i -n -p -- systemctl restart containerd
    echo "restarted containerd"
  else
    echo "restart containerd on this node to load the new runtime" >&2
  fi
}

case "${1:-}" in
  install)
    case "$SHIM_SHARING" in
      pod | node) ;;
      *)
        echo "SHIM_SHARING is \"$SHIM_SHARING\": expected pod (one shim per pod) or node (one for the node)" >&2
        exit 2
        ;;
    esac
    install_files
    echo "installed $LAUNCHER"
    if add_runtime; then restart_containerd; fi
    ;;
  uninstall)
    if remove_runtime; then restart_containerd; fi
    rm -rf "$HOST_ROOT$INSTALL_DIR"
    echo "removed $INSTALL_DIR"
    ;;
  *)
    echo "usage: $0 install|uninstall" >&2
    exit 2
    ;;
esac
