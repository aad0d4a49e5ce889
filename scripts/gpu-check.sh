#!/usr/bin/env bash
# The GPU check of issue 12: WebGPU (Dawn on Vulkan) beside PyTorch on CUDA, then 2 minutes of
# `unet train` on the ISBI slices, and the batch pipeline's own images/s, in under 8 minutes. Runs
# from the repository root, offline.
#
# Usage: scripts/gpu-check.sh NODE_FOLDER [OUT_DIR]
#
# NODE_FOLDER (carried to the machine; no network is needed) holds:
#   node                 a Node 20+ binary (or bin/node)
#   unet.js, case_main.js, worker_entry.js and the .wasm files: apps/trainer/dist-bundle, made
#                        here by `pnpm --filter @unet/trainer bundle`
#   node_modules/webgpu  Dawn for Node (npm install webgpu@0.3.8; its linux-x64 binary is inside)
#   node_modules/sharp   with @img/sharp-linux-x64 and @img/sharp-libvips-linux-x64 beside it
#                        (the bundle imports it at start: images)
# The machine needs: an NVIDIA driver with its Vulkan ICD (nvidia_icd.json; in a container,
# NVIDIA_DRIVER_CAPABILITIES must include graphics), the Vulkan loader libvulkan.so.1, Python 3
# with a CUDA build of PyTorch, and ../shared (bench/torch_unet.py, datasets/isbi2012-em).
# Results: OUT_DIR (default gpu-check-<time>) gets bench.jsonl, train/ and summary.txt.
set -uo pipefail

folder=${1:?usage: scripts/gpu-check.sh NODE_FOLDER [OUT_DIR] (see the comment at the top)}
out=${2:-gpu-check-$(date -u +%Y%m%dT%H%M%S)}
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared"
mkdir -p "$out"
summary="$out/summary.txt"
say() { echo "$*" | tee -a "$summary"; }
fail() { say "gpu-check: $*"; exit 1; }

node="$folder/node"
[ -x "$node" ] || node="$folder/bin/node"
[ -x "$node" ] || fail "no Node binary at $folder/node or $folder/bin/node"
[ -f "$folder/unet.js" ] || fail "no $folder/unet.js: copy apps/trainer/dist-bundle (pnpm --filter @unet/trainer bundle) into $folder"
[ -f "$folder/node_modules/webgpu/package.json" ] || fail "no $folder/node_modules/webgpu: npm install webgpu@0.3.8 there (Dawn's binary is in the package)"
[ -d "$folder/node_modules/sharp" ] || fail "no $folder/node_modules/sharp: the bundle imports it at start (npm install sharp@0.35.5 there)"
[ -f "$shared/bench/torch_unet.py" ] || fail "no $shared/bench/torch_unet.py (../shared beside the repository)"
isbi="$shared/datasets/isbi2012-em"
[ -d "$isbi/train" ] || fail "no ISBI data at $isbi/train"
python=${PYTHON:-python3}
"$python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null || say "warning: $python has no CUDA torch; the PyTorch lines will fail"

say "gpu-check $(date -u +%FT%TZ) on $(hostname)"
say "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)"
say "node: $("$node" --version), torch: $("$python" -c 'import torch; print(torch.__version__, torch.version.cuda)' 2>&1 | tail -1)"
icd=$(ls /usr/share/vulkan/icd.d/nvidia*.json /etc/vulkan/icd.d/nvidia*.json 2>/dev/null | head -1)
say "vulkan ICD: ${icd:-none found (Dawn will find no NVIDIA adapter; set VK_ICD_FILENAMES to the nvidia_icd.json of the driver)}"
[ -n "${VK_ICD_FILENAMES:-}" ] || { [ -n "$icd" ] && export VK_ICD_FILENAMES="$icd"; }

# 1. The benchmark: webgpu beside PyTorch on CUDA, each case in its own process, with the top
#    kernels of a step by GPU time (--profile). At most 240 s; with the 190 s of step 2 and the
#    35 s of step 3, the script stays under 8 minutes.
say "== unet bench --backends webgpu --presets small,paper --modes forward,train (vs PyTorch cuda)"
timeout 240 "$node" "$folder/unet.js" bench --engines tfjs --backends webgpu --presets small,paper --modes forward,train \
  --runs 5 --warmup 2 --profile --vs-pytorch "$shared/bench/torch_unet.py" --python "$python" --torch-device cuda \
  --timeout-seconds 50 | tee "$out/bench.jsonl"
[ "${PIPESTATUS[0]}" = 0 ] || say "bench ended with status ${PIPESTATUS[0]} (124: stopped at 240 s)"
"$python" - "$out/bench.jsonl" <<'PY' | tee -a "$summary"
import json, sys
for line in open(sys.argv[1]):
    try: r = json.loads(line)
    except ValueError: continue
    if 'failed' in r: print(f"{r['backend']:>12} {r['preset']:>5} {r['mode']:>7}  FAILED {r['failed'][:160]}")
    elif 'ratio' in r: print(f"{r['backend']:>12} {r['preset']:>5} {r['mode']:>7}  {r['timeRatio']} x PyTorch's time")
    else:
        print(f"{r['backend']:>12} {r['preset']:>5} {r['mode']:>7}  median {r['medianMs']} ms  {r['gflopPerSecond']} GFLOP/s  dispatches/step {r.get('dispatchesPerStep', '-')}  {r.get('adapter', '')}")
        for k in r.get('topKernels', [])[:8]: print(f"{'':>30}{k['kernel']:<28} {k['calls']:>4} calls {k['ms']:>9} ms")
PY

# 2. Training on the ISBI slices for 2 minutes on webgpu: the progress line prints img/s. The
#    GPU makes the augmented tiles (--augment-on auto), so that the CPU side does not bound
#    images/s; its first line says so.
say "== unet train --data $isbi --format isbi --backend webgpu --time-limit 2"
timeout 190 "$node" "$folder/unet.js" train --data "$isbi" --format isbi --val-split 5 --backend webgpu \
  --time-limit 2 --steps 100000 --val-every 100000 --checkpoint-every 100000 --out "$out/train" 2>&1 | tail -n 25 | tee -a "$summary"
if [ -f "$out/train/log.jsonl" ]; then
  "$python" - "$out/train/log.jsonl" <<'PY' | tee -a "$summary"
import json, statistics, sys
steps = [r for r in map(json.loads, open(sys.argv[1])) if r.get('type') == 'step']
skip = 5 if len(steps) > 5 else 0  # the first steps compile shaders
rates = [r['imagesPerSecond'] for r in steps[skip:]]
print(f"train: {len(steps)} steps, median {statistics.median(rates):.2f} images/s over steps {skip + 1}-{len(steps)}" if rates else 'train: no steps logged')
PY
fi
# 3. The batch pipeline alone (no model): the images/s that the augmentation, the weight map and
#    the batching give on this machine's cores, then on its GPU, to set beside step 2's (at most
#    20 s and 15 s). The
#    synthetic data (24 training images: 6 batches an epoch), after an epoch of warm-up, since a
#    sample's weight map is computed when it is first drawn; ISBI's take far longer to compute.
say "== unet bench --pipeline (synthetic data, the small preset's tiles, 0 and 4 workers)"
timeout 20 "$node" "$folder/unet.js" bench --pipeline --presets small --workers 0,4 --warmup 6 --runs 10 \
  | tee "$out/pipeline.jsonl" | tee -a "$summary"
[ "${PIPESTATUS[0]}" = 0 ] || say "bench --pipeline ended with status ${PIPESTATUS[0]} (124: stopped at 20 s)"
say "== unet bench --pipeline --backends webgpu (the same tiles made on the GPU)"
timeout 15 "$node" "$folder/unet.js" bench --pipeline --backends webgpu --presets small --warmup 6 --runs 20 \
  | tee "$out/pipeline-gpu.jsonl" | tee -a "$summary"
[ "${PIPESTATUS[0]}" = 0 ] || say "bench --pipeline --backends webgpu ended with status ${PIPESTATUS[0]} (124: stopped at 15 s)"
say "gpu-check: done; results in $out"
