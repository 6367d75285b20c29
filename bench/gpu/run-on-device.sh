#!/usr/bin/env bash
# Runs the GPU bench kit (made by bench/gpu/pack.sh) on a machine with a GPU and no Node, in
# under 8 minutes, and writes JSON. Run from the kit directory, or give the kit's tarball:
#
#   bash run-on-device.sh [--kit DIR|KIT.tar.xz] [--out FILE] [bench args, e.g. --small]
#
# Prints the GPU (nvidia-smi) and Dawn's adapter; the JSON has webgpu and wasm rows.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kit=$here
out=$PWD/gpu-bench.json
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --kit) kit=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -f "$kit" ]; then
  dir=$(mktemp -d)
  tar -C "$dir" -xJf "$kit"
  kit=$dir/gpu-kit
fi
[ -x "$kit/bin/node" ] || { echo "no kit at $kit (bin/node missing)"; exit 2; }
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
export LD_LIBRARY_PATH="$kit/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# 470 s hard limit; the bench stops starting rows at its own budget (420 s) and writes what it has
timeout 470 "$kit/bin/node" "$kit/bench.mjs" --wasm-paths "$kit/wasm/" --budget-s 420 --out "$out" "${args[@]}"
rc=$?
[ -f "$out" ] && echo "results: $out"
exit $rc
