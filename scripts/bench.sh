#!/usr/bin/env bash
# Throughput benchmark (not a test): `healthclaims annotate` at fp32 and int8, 1 and 2 threads (both
# arrangements), against two Python references on the same weights — the transformers
# token-classification pipeline and a hand-batched, length-sorted PyTorch forward pass — on a few
# thousand web-article sentences, plus 10,000 short articles streamed through `annotate -`. Every
# setting runs --reps times interleaved; prints median, spread, ratios, peak RSS, model load time and
# the load average, and marks a NOISY run; writes target/bench/results.{md,json}.
#
#   scripts/bench.sh                        # the shipped model (models/healthclaims-minilm)
#   HEALTHCLAIMS_MODEL=/tmp/m scripts/bench.sh --reps 1
#   scripts/bench.sh --skip-python          # healthclaims figures only (no venv needed)
#   scripts/bench.sh --skip-python --only int8-w1t2,fp32-w1t2 --stream-articles 1000 --strict
#
# First run: creates .venv-bench/ (git-ignored) with torch 2.4.0 (CPU use; PyPI's wheel, with only
# the CUDA libraries its shared objects link against, not the whole CUDA stack) and transformers,
# from PyPI. Idempotent. Extra arguments go to scripts/bench/run.py (see its --help).
# Run it on an otherwise idle machine: the figures are wall-clock.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="${BENCH_VENV:-$root/.venv-bench}"
py="$(command -v python3 || command -v python)"

skip_python=0
for a in "$@"; do [ "$a" = "--skip-python" ] && skip_python=1; done

if [ "$skip_python" = 0 ] && [ ! -f "$venv/.complete" ]; then
  echo "bench: creating .venv-bench/ (torch 2.4.0 + transformers 4.44.2 from PyPI; first run only)" >&2
  rm -rf "$venv"
  "$py" -m venv "$venv"
  pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
  # torch without its declared dependencies: of the CUDA wheels it pins, libtorch's shared objects
  # need these at import (cudart, cupti, nvtx, cuBLAS, cuDNN, cuFFT, cuRAND, cuSPARSE + nvJitLink,
  # NCCL); nvrtc, cuSOLVER and triton are loaded lazily and never on CPU, so they are left out.
  "${pip[@]}" --no-deps torch==2.4.0 \
    nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105 nvidia-nvtx-cu12==12.1.105 \
    nvidia-cublas-cu12==12.1.3.1 nvidia-cudnn-cu12==9.1.0.70 nvidia-cufft-cu12==11.0.2.54 \
    nvidia-curand-cu12==10.3.2.106 nvidia-cusparse-cu12==12.1.0.106 'nvidia-nvjitlink-cu12>=12.1,<13' \
    nvidia-nccl-cu12==2.20.5
  # (pip's resolver then complains that torch's pinned CUDA wheels are missing: expected, hidden)
  log="$(mktemp)"
  "${pip[@]}" filelock 'typing-extensions>=4.8' sympy 'mpmath<1.4' networkx jinja2 fsspec \
    transformers==4.44.2 safetensors 'numpy<2' 2>"$log" || { cat "$log" >&2; exit 1; }
  rm -f "$log"
  if ! "$venv/bin/python" -c 'import torch, transformers; torch.ones(2) @ torch.ones(2)' 2>/dev/null; then
    echo "bench: torch without the full CUDA stack does not import here; installing torch's declared dependencies" >&2
    "${pip[@]}" torch==2.4.0
  fi
  "$venv/bin/python" -c 'import torch, transformers; print("bench: torch", torch.__version__, "transformers", transformers.__version__)' >&2
  touch "$venv/.complete"
fi

# the release binary (libtorch in .libtorch/, installed by scripts/setup.sh)
scripts/setup.sh
cargo build --release --quiet

runner="$venv/bin/python"
[ "$skip_python" = 1 ] && runner="$py"
exec "$runner" scripts/bench/run.py "$@"
