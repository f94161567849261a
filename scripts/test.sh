#!/usr/bin/env bash
# Set up (first time only) and run the test suite: pure, off-screen scene, and the real window
# under Xvfb (pytest-xvfb starts one per worker; Qt runs on its xcb platform), on parallel workers
# (IMS_ATLAS_TEST_WORKERS, default: one per core). Extra args go to pytest.
#   bash scripts/test.sh          every tier but bake (the tests that load myo-sim and MuJoCo)
#   bash scripts/test.sh --bake   every tier; installs the build extra first (CI runs this)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--bake" ]; then
  shift
  bash scripts/setup.sh --bake
  select=()
else
  bash scripts/setup.sh
  echo "test: the bake tier (-m bake) is left out; bash scripts/test.sh --bake runs it too"
  select=(-m "not bake")
fi
export QT_QPA_PLATFORM=xcb
exec .venv/bin/python -m pytest -n "${IMS_ATLAS_TEST_WORKERS:-auto}" "${select[@]}" "$@"
