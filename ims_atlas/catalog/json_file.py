"""Read a catalog file: the core JSON reader with a catalog's limits.

A catalog is edited by hand, often by someone who is not a programmer, so a broken file must
give a message naming the file and saying what to fix, never a traceback or a hang.
"""

from __future__ import annotations

from pathlib import Path

from ims_atlas.core.errors import Problem
from ims_atlas.core.json_document import JsonKind, read_json_file

#: Larger files are refused before parsing (the bundled catalog is well under 1 MB).
MAX_BYTES = 20 * 1024 * 1024
#: Deeper nesting than this is not a catalog (the format needs 5 levels).
MAX_DEPTH = 32
CATALOG = JsonKind("a catalog", MAX_BYTES, MAX_DEPTH)


def read_json(path: str | Path) -> tuple[object | None, list[Problem]]:
    """Parse a catalog file.

    Returns
    -------
    tuple
        ``(document, problems)``: the parsed document and the problems found while reading
        (empty on success; warnings such as duplicate keys may be reported alongside a
        document). The document is None if the file could not be read or holds only ``null``;
        then the problems say why.
    """
    return read_json_file(path, CATALOG)
