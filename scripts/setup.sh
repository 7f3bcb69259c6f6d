#!/usr/bin/env bash
# Installs everything memae needs on Debian (run as root): system packages, then npm packages
# (which builds the libtorch addon). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS="libtorch-dev libgloo-dev python3-torch dataset-fashion-mnist ffmpeg opencv-doc chromium"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends $missing
fi
if [ -f package-lock.json ]; then npm ci --no-fund --no-audit; else npm install --no-fund --no-audit; fi
