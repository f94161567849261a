#!/usr/bin/env bash
# Install everything IMS Atlas needs on Debian 12 / Ubuntu: the system libraries Qt's xcb
# platform and VTK need (as root, with apt-get), then the package and its test tools in .venv.
# With --bake, also the build extra (myo-sim, MuJoCo, trimesh: about 1 GB) that re-baking the
# meshes and the bake test tier need. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
extras=test
if [ "${1:-}" = "--bake" ]; then extras=test,build; fi

APT_PACKAGES=(
  python3 python3-venv python3-pip
  xvfb xauth
  libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-image0 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libxrender1
  libegl1 libgl1 libgl1-mesa-dri libglx-mesa0 libfontconfig1 libdbus-1-3 libxkbcommon0
  fonts-dejavu-core poppler-utils
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    echo "setup: installing system packages with sudo: ${missing[*]}"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages first: ${missing[*]}" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.ims-atlas-setup
want="$extras $(sha256sum < pyproject.toml | cut -c1-16)"
have="$(cat "$stamp" 2>/dev/null || true)"
# A set-up with the build extra also serves a plain one.
if [ "$have" != "$want" ] && [ "$have" != "test,build ${want#* }" ]; then
  echo "setup: installing IMS Atlas and its tools ($extras) into .venv (a few minutes the first time)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$extras]"
  echo "$want" > "$stamp"
fi
