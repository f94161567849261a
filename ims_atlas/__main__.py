"""Run IMS Atlas with ``python -m ims_atlas``."""

from ims_atlas.cli import main

raise SystemExit(main())
