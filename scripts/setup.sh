#!/usr/bin/env bash
# Checks what healthclaims needs to build on a fresh machine (cargo, python3 for the test scripts).
set -euo pipefail
for t in cargo python3; do
  command -v "$t" >/dev/null || { echo "setup: '$t' is required" >&2; exit 2; }
done
