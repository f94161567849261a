#!/usr/bin/env bash
# Set up (first time only) and run the whole test suite: pure, off-screen scene, and the real
# window under Xvfb (pytest-xvfb starts it; Qt runs on its xcb platform). Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=xcb
exec .venv/bin/python -m pytest "$@"
