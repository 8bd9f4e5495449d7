#!/usr/bin/env bash
# Python package test (issue 17): installs the package (python/, bundling `make dist`'s tarball)
# into .venv-py/ with pytest and pandas from PyPI (scripts/pyenv.sh; reinstalled only when the
# tarball or the package's sources change), then runs python/tests/ against the in-tree binary
# and corpus/. With --spark, also the Spark job's test (examples/spark/test_job.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
cargo build --release --locked --quiet --bin healthclaims
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
tarball="dist/healthclaims-$version-x86_64-linux.tar.gz"
if [ ! -f "$tarball" ] || [ target/release/healthclaims -nt "$tarball" ]; then
  bash scripts/dist.sh >/dev/null
fi
pkgs=(pytest pandas)
if [ "${1:-}" = "--spark" ]; then
  pkgs+=(pyarrow pyspark)
  if ! java -version 2>&1 | grep -q -E 'version "(1[7-9]|2[0-9])'; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing Java 17 for pyspark (Debian package openjdk-17-jre-headless)..." >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    else
      echo "tests/python: the Spark test needs Java 17+ (apt-get install openjdk-17-jre-headless)" >&2
      exit 1
    fi
  fi
fi
py="$(bash scripts/pyenv.sh "${pkgs[@]}")"
sum="$( (stat -c '%s %Y' "$tarball"; cat python/pyproject.toml python/setup.py python/healthclaims/*.py) | sha256sum | cut -c1-16)"
if [ ! -f .venv-py/.installed-healthclaims-"$sum" ]; then
  start=$(date +%s)
  rm -f .venv-py/.installed-healthclaims-*
  "$py" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps ./python >&2
  rm -rf python/build python/*.egg-info
  touch .venv-py/.installed-healthclaims-"$sum"
  echo "tests/python: installed the package in $(( $(date +%s) - start ))s ($(du -sh "$("$py" -c 'import healthclaims, os; print(os.path.dirname(healthclaims.__file__))')" | cut -f1) installed)" >&2
fi
export HEALTHCLAIMS_TEST_CLI="$root/target/release/healthclaims" HEALTHCLAIMS_TEST_CORPUS="$root/corpus"
unset HEALTHCLAIMS_MODEL HEALTHCLAIMS_BIN
# run from outside the tree, so `import healthclaims` is the installed package, not python/
cd /tmp
"$py" -m pytest -q -p no:cacheprovider "$root/python/tests"
if [ "${1:-}" = "--spark" ]; then
  "$py" "$root/examples/spark/test_job.py"
fi
