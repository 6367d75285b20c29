#!/usr/bin/env bash
# Installs what the GPU-path tests need on a fresh Debian 12 (bookworm) machine, idempotently:
#  - chromium (headless WebGL through ANGLE on SwiftShader) for the browser tests;
#  - Mesa ≥ 25 lavapipe (mesa-vulkan-drivers from bookworm-backports; bookworm's Mesa 22.3 is
#    refused by Dawn) and the Vulkan loader libvulkan1, for WebGPU in Node through Dawn.
# Quick when everything is already there (dpkg checks only, no apt-get update).
set -euo pipefail
sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)

mesa_ok() {
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null) || return 1
  dpkg --compare-versions "$v" ge 25 && dpkg -s libvulkan1 >/dev/null 2>&1
}

if dpkg -s chromium >/dev/null 2>&1 && mesa_ok; then
  echo "already installed: chromium, mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers), libvulkan1"
  exit 0
fi

if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "adding the bookworm-backports suite"
  printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
    "${sudo[@]}" tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
fi
"${sudo[@]}" apt-get update -qq
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium libvulkan1
"${sudo[@]}" apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers
mesa_ok || { echo "mesa-vulkan-drivers >= 25 did not install"; exit 1; }
echo "installed: chromium, mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers), libvulkan1"
