#!/usr/bin/env bash
# Build the wheel, install it in a fresh virtual environment outside the checkout and run it
# from there: validate, a JSON command, an export and a screenshot (under Xvfb). Proves the
# wheel carries everything it needs (catalog, schema, meshes). Exits non-zero on any failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python=${PYTHON:-"$repo/.venv/bin/python"}
work="$(mktemp -d /tmp/ims-atlas-wheel.XXXXXX)"
trap 'rm -rf "$work"' EXIT
unset PYTHONPATH IMS_ATLAS_DATA IMS_ATLAS_MESHES

echo "wheel: building"
"$python" -m pip wheel -v --no-deps -w "$work/dist" "$repo" > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
if grep -E "Warning|!!" "$work/build.log" | grep -v "byte-compiling is disabled"; then
  echo "wheel: the build printed warnings (above)" >&2
  exit 1
fi
wheel=("$work"/dist/ims_atlas-*.whl)
if unzip -l "${wheel[0]}" | grep -q "ims_atlas/bake/"; then
  echo "wheel: the build code (ims_atlas/bake) is in the wheel" >&2
  exit 1
fi
echo "wheel: installing $(basename "${wheel[0]}") into a fresh venv"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "${wheel[0]}"

cd "$work"   # outside the checkout: nothing may be read from the repository
export IMS_ATLAS_HOME="$work/home" QT_QPA_PLATFORM=xcb
bin="$work/venv/bin"
where="$("$bin/python" -c 'import ims_atlas; print(ims_atlas.__file__)')"
case "$where" in "$work"/venv/*) ;; *) echo "wheel: imported ims_atlas from $where" >&2; exit 1 ;; esac

echo "wheel: ims-atlas validate"
"$bin/ims-atlas" validate
echo "wheel: ims-atlas plan --json"
"$bin/ims-atlas" plan "tennis elbow" --side right --json > plan.json
"$bin/python" -c 'import json, sys; d = json.load(open("plan.json")); sys.exit(0 if d else 1)'
echo "wheel: ims-atlas export"
env -u DISPLAY "$bin/ims-atlas" export "tennis elbow" --side right --out tennis-elbow.png --size 800x600 2> export.err
if [ -s export.err ]; then cat export.err >&2; echo "wheel: the export printed warnings" >&2; exit 1; fi
echo "wheel: ims-atlas --screenshot"
xvfb-run -a "$bin/ims-atlas" --screenshot shot.png --size 800x600
for f in tennis-elbow.png shot.png; do
  "$bin/python" -c 'import sys; from PIL import Image; im = Image.open(sys.argv[1]); im.load(); assert im.size == (800, 600), im.size' "$f"
done
echo "wheel: OK (validate, plan --json, export, screenshot from $work)"
