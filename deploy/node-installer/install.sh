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
# No runtime options (SystemdCgroup): they are runc's, and the shim starts no runc and makes no cgroup.
# DISTRIBUTION says whose containerd that is (auto by default):
#   containerd  the node's own, configured by $CONTAINERD_CONFIG (/etc/containerd/config.toml).
#   k3s, rke2   the one k3s or RKE2 embeds. They rewrite config.toml from a template on every start, so the
#               runtime goes into the template beside it: config-v3.toml.tmpl when the config they
#               generated is version 3 (containerd 2.x), config.toml.tmpl otherwise. A template the
#               installer creates holds k3s's own config ({{ template "base" . }}) and the runtime.
#   k0s         the one k0s runs. k0s merges every drop-in of /etc/k0s/containerd.d/ into the config
#               it generates, /etc/k0s/containerd.toml, so the runtime is a drop-in of its own,
#               containerd.d/spindle.toml, in that config's version: k0s 1.36 and later (containerd 2.x,
#               version 3) refuse to start with a drop-in of any other version.
#   microk8s    the one the MicroK8s snap runs, which renders its config from
#               /var/snap/microk8s/current/args/containerd-template.toml on every start: the runtime is
#               appended to that template.
#   auto        the first of microk8s, rke2, k3s and k0s whose config (the one named above, or the one
#               they generated) exists, else containerd; containerd whenever CONTAINERD_CONFIG is set
#               (with another DISTRIBUTION it names that distribution's config instead).
# Then it restarts containerd, k3s (or k3s-agent), rke2-server (or rke2-agent), k0sworker (or
# k0scontroller) or snap.microk8s.daemon-containerd through the host's systemd when the config changed
# (RESTART=never skips it).
# SHIM_SHARING=node makes the launcher run one shim process for every Spindle pod of the node instead of
# one per pod (SPINDLE_SHIM_SHARING; default pod).
# uninstall removes exactly the block it added, a template it created once nothing else is in it, its k0s
# drop-in (not the containerd.d/ directory, which is k0s's to read), and the files. Safe to run again.
set -euo pipefail

HOST_ROOT=${HOST_ROOT:-/host}
ASSETS=${ASSETS:-/assets/spindle}
RESTART=${RESTART:-auto}
SHIM_SHARING=${SHIM_SHARING:-pod}
# Set to 1 by the step that edits containerd's config, which is then restarted. The steps run outside any
# `if`, so that `set -e` stops the script at the first that fails.
CHANGED=0
DISTRIBUTION=${DISTRIBUTION:-auto}
INSTALL_DIR=/opt/spindle
LAUNCHER=$INSTALL_DIR/containerd-shim-spindle-v2
BEGIN="# BEGIN spindle runtime (added by the spindle node installer)"
# The same, for a file that did not end in a newline: uninstall takes the added one away again.
BEGIN_AFTER_NEWLINE="# BEGIN spindle runtime (added by the spindle node installer, after a newline)"
END="# END spindle runtime"
OWNED="# Created by the spindle node installer: its uninstall deletes this template while nothing else is in it."
BASE='{{ template "base" . }}'
K3S_CONFIG=/var/lib/rancher/k3s/agent/etc/containerd/config.toml
RKE2_CONFIG=/var/lib/rancher/rke2/agent/etc/containerd/config.toml
K0S_CONFIG=/etc/k0s/containerd.toml
MICROK8S_CONFIG=/var/snap/microk8s/current/args/containerd-template.toml
# The first line of a containerd.toml k0s generates: only then does it read containerd.d/.
K0S_MANAGED="# k0s_managed=true"
DROPIN_OWNED="# Written by the spindle node installer: its uninstall deletes this file."

# auto: a node runs one of these distributions, and a distribution's containerd is the one its kubelet
# uses even where a plain /etc/containerd/config.toml also exists.
detect_auto() {
  local name
  [ -n "${CONTAINERD_CONFIG:-}" ] && echo containerd && return 0
  for name in microk8s rke2 k3s k0s; do
    [ -f "$HOST_ROOT$(default_config "$name")" ] && echo "$name" && return 0
  done
  echo containerd
}

detect_distribution() {
  case "$DISTRIBUTION" in
    auto) DISTRIBUTION=$(detect_auto) ;;
    containerd | k3s | rke2 | k0s | microk8s) ;;
    *)
      echo "DISTRIBUTION is \"$DISTRIBUTION\": expected auto, containerd, k3s, rke2, k0s or microk8s" >&2
      exit 2
      ;;
  esac
}

default_config() {
  case "$1" in
    k3s) echo "$K3S_CONFIG" ;;
    rke2) echo "$RKE2_CONFIG" ;;
    k0s) echo "$K0S_CONFIG" ;;
    microk8s) echo "$MICROK8S_CONFIG" ;;
    *) echo /etc/containerd/config.toml ;;
  esac
}

# k3s and RKE2 render their config from a template the installer may create.
templated() { [ "$DISTRIBUTION" = k3s ] || [ "$DISTRIBUTION" = rke2 ]; }

# The config whose version tells containerd 1.x from 2.x: the one containerd reads, which under k3s, RKE2
# and k0s is the one they generated, and under MicroK8s the template it renders unchanged.
config_file() { echo "$HOST_ROOT$CONFIG"; }

plugin_domain() {
  if grep -Eq '^[[:space:]]*version[[:space:]]*=[[:space:]]*3' "$(config_file)" 2>/dev/null; then
    echo "io.containerd.cri.v1.runtime"
  else
    echo "io.containerd.grpc.v1.cri"
  fi
}

# The file the runtime goes into, as a host path.
target() {
  if [ "$DISTRIBUTION" = k0s ]; then
    echo "$(dirname "$CONFIG")/containerd.d/spindle.toml"
  elif ! templated; then
    echo "$CONFIG"
  elif [ "$(plugin_domain)" = io.containerd.cri.v1.runtime ]; then
    echo "$(dirname "$CONFIG")/config-v3.toml.tmpl"
  else
    echo "$(dirname "$CONFIG")/config.toml.tmpl"
  fi
}

require_generated_config() {
  [ "$DISTRIBUTION" = containerd ] || [ -f "$(config_file)" ] && return 0
  echo "$DISTRIBUTION has not written $CONFIG yet, so its containerd version is unknown: start $DISTRIBUTION" \
    "once, or set CONTAINERD_CONFIG to the config it generates, and run the installer again" >&2
  exit 1
}

# k0s merges containerd.d/ only into the containerd.toml it manages; a config the user took over reads the
# drop-ins only if it imports them itself.
require_k0s_dropins() {
  [ "$DISTRIBUTION" = k0s ] || return 0
  [ "$(head -n 1 "$(config_file)")" = "$K0S_MANAGED" ] && return 0
  grep -qF containerd.d/ "$(config_file)" && return 0
  echo "$CONFIG is not managed by k0s (its first line is not \"$K0S_MANAGED\") and imports nothing from" \
    "$(dirname "$CONFIG")/containerd.d/, so containerd would not read the installer's drop-in: add" \
    "$(dirname "$CONFIG")/containerd.d/*.toml to its imports, and run the installer again" >&2
  exit 1
}

# A drop-in of the same name that the installer did not write is the user's, never replaced.
require_own_dropin() {
  local path file
  [ "$DISTRIBUTION" = k0s ] || return 0
  path=$(target)
  file=$HOST_ROOT$path
  [ ! -e "$file" ] || grep -qxF "$DROPIN_OWNED" "$file" && return 0
  echo "$path exists and the installer did not write it: move it away, and run the installer again" >&2
  exit 1
}

runtime_block() {
  printf '%s\n[plugins."%s".containerd.runtimes.spindle]\n  runtime_type = "%s"\n%s\n' \
    "$1" "$(plugin_domain)" "$LAUNCHER" "$END"
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

# The drop-in states its version: k0s 1.36 and later (containerd 2.x) refuse one that is not 3; older k0s
# merge it into the version 2 CRI config they generate.
dropin() {
  local version=2
  [ "$(plugin_domain)" = io.containerd.cri.v1.runtime ] && version=3
  printf '%s\nversion = %s\n\n[plugins."%s".containerd.runtimes.spindle]\n  runtime_type = "%s"\n' \
    "$DROPIN_OWNED" "$version" "$(plugin_domain)" "$LAUNCHER"
}

# The whole drop-in is the installer's, so it is rewritten when k0s's containerd version has changed.
write_dropin() {
  local path file verb=added
  path=$(target)
  file=$HOST_ROOT$path
  if [ -f "$file" ]; then
    if [ "$(cat "$file")" = "$(dropin)" ]; then
      echo "containerd config $path already has the spindle runtime"
      return 0
    fi
    verb=updated
  fi
  mkdir -p "$(dirname "$file")"
  dropin >"$file"
  CHANGED=1
  echo "$verb the spindle runtime in $path ($(plugin_domain))"
}

add_runtime() {
  if [ "$DISTRIBUTION" = k0s ]; then write_dropin; else append_runtime; fi
}

append_runtime() {
  local path file
  path=$(target)
  file=$HOST_ROOT$path
  mkdir -p "$(dirname "$file")"
  if templated && [ ! -e "$file" ]; then
    # k3s and RKE2 render only the template once it exists: it starts with their own config.
    printf '%s\n%s\n' "$OWNED" "$BASE" >"$file"
    echo "created $path, rendering $DISTRIBUTION's own containerd config"
  fi
  touch "$file"
  if grep -Eq "containerd\.runtimes\.[\"']?spindle[\"']?\]" "$file"; then
    echo "containerd config $path already has the spindle runtime"
    return 0
  fi
  if [ -n "$(tail -c 1 "$file")" ]; then
    echo >>"$file"
    runtime_block "$BEGIN_AFTER_NEWLINE" >>"$file"
  else
    runtime_block "$BEGIN" >>"$file"
  fi
  CHANGED=1
  echo "added the spindle runtime to $path ($(plugin_domain))"
}

# Every file an install may have added the runtime to: k3s or RKE2 may have moved from one containerd
# (and template) to the other since.
runtime_files() {
  if ! templated; then
    echo "$CONFIG"
  else
    echo "$(dirname "$CONFIG")/config.toml.tmpl"
    echo "$(dirname "$CONFIG")/config-v3.toml.tmpl"
  fi
}

remove_owned_template() {
  local path=$1 file=$HOST_ROOT$1
  grep -qxF "$OWNED" "$file" || return 0
  if [ -n "$(grep -vxF -e "$OWNED" -e "$BASE" "$file" | tr -d '[:space:]')" ]; then
    echo "left $path, which the installer created, because it holds more than the installer wrote" >&2
    return 0
  fi
  rm -f "$file"
  echo "removed $path, which the installer had created"
}

remove_dropin() {
  local path file
  path=$(target)
  file=$HOST_ROOT$path
  [ -f "$file" ] || return 0
  if ! grep -qxF "$DROPIN_OWNED" "$file"; then
    echo "left $path, which the installer did not write" >&2
    return 0
  fi
  rm -f "$file"
  CHANGED=1
  echo "removed the spindle runtime: deleted $path"
}

remove_runtime() {
  if [ "$DISTRIBUTION" = k0s ]; then remove_dropin; else remove_blocks; fi
}

remove_blocks() {
  local path file
  while read -r path; do
    file=$HOST_ROOT$path
    [ -f "$file" ] && grep -qxF -e "$BEGIN" -e "$BEGIN_AFTER_NEWLINE" "$file" || continue
    if grep -qxF "$BEGIN_AFTER_NEWLINE" "$file"; then
      sed -i "/^$BEGIN_AFTER_NEWLINE\$/,/^$END\$/d" "$file"
      if [ -z "$(tail -c 1 "$file")" ]; then truncate -s -1 "$file"; fi
    else
      sed -i "/^$BEGIN\$/,/^$END\$/d" "$file"
    fi
    echo "removed the spindle runtime from $path"
    remove_owned_template "$path"
    CHANGED=1
  done < <(runtime_files)
}

restart_units() {
  case "$DISTRIBUTION" in
    k3s) echo k3s k3s-agent ;;
    rke2) echo rke2-server rke2-agent ;;
    k0s) echo k0sworker k0scontroller ;;
    microk8s) echo snap.microk8s.daemon-containerd ;;
    *) echo containerd ;;
  esac
}

host_systemctl() { nsenter -t 1 -m -u -i -n -p -- systemctl "$@"; }

# k3s, RKE2 and k0s run as the server's (controller's) or the agent's (worker's) unit, whichever is active;
# containerd as its own.
restart_runtime() {
  [ "$RESTART" = never ] && return 0
  local unit units
  units=$(restart_units)
  if command -v nsenter >/dev/null && [ -d /proc/1 ] && nsenter -t 1 -m -- sh -c 'command -v systemctl' >/dev/null 2>&1; then
    for unit in $units; do
      if [ "$DISTRIBUTION" = containerd ] || host_systemctl is-active --quiet "$unit"; then
        host_systemctl restart "$unit"
        echo "restarted $unit"
        return 0
      fi
    done
  fi
  echo "restart ${units// / or } on this node to load the new runtime" >&2
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
    detect_distribution
    CONFIG=${CONTAINERD_CONFIG:-$(default_config "$DISTRIBUTION")}
    require_generated_config
    require_k0s_dropins
    require_own_dropin
    install_files
    echo "installed $LAUNCHER"
    add_runtime
    if [ "$CHANGED" = 1 ]; then restart_runtime; fi
    ;;
  uninstall)
    detect_distribution
    CONFIG=${CONTAINERD_CONFIG:-$(default_config "$DISTRIBUTION")}
    remove_runtime
    if [ "$CHANGED" = 1 ]; then restart_runtime; fi
    rm -rf "$HOST_ROOT$INSTALL_DIR"
    echo "removed $INSTALL_DIR"
    ;;
  *)
    echo "usage: $0 install|uninstall" >&2
    exit 2
    ;;
esac
