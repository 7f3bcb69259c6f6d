#!/usr/bin/env bash
# Installs everything memae needs on Debian (run as root): system packages, then npm packages
# (which builds the libtorch addon). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
# python3-sklearn and r-cran-mlbench: the tabular benchmark's data and reference (bench/tabular_data.py, test fixtures)
PKGS="libtorch-dev python3-torch dataset-fashion-mnist ffmpeg opencv-doc chromium libgloo-dev python3-sklearn r-cran-mlbench"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends $missing
fi
if [ -f package-lock.json ]; then npm ci --no-fund --no-audit; else npm install --no-fund --no-audit; fi
