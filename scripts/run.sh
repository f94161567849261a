#!/usr/bin/env bash
# Set up (first time only) and open IMS Atlas. Arguments go to ims-atlas, e.g. --screenshot shot.png
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display here; running on a virtual screen (Xvfb). Use --screenshot PATH to see it." >&2
  exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/ims-atlas "$@"
fi
exec .venv/bin/ims-atlas "$@"
