"""What would make a picture silently wrong: a target that cannot be drawn, a marker off the body.

Pure (no VTK): given the picture, the ids of the structures that loaded and the bounds of the
loaded body, it returns one plain sentence per thing wrong. The window shows the same
sentences above the plan; every export prints them and exits with a status that says the
output is incomplete.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.core.errors import Problem
from ims_atlas.scene.picture import Picture

#: A marker may lie this share of the body's size outside its bounds (skin, a needle's reach).
MARGIN = 0.1
#: At most this many structures are named in one sentence.
_NAMED = 4


def _names(ids: list[str], manifest: Manifest) -> str:
    names = []
    for sid in ids[:_NAMED]:
        structure = manifest.get(sid)
        names.append(structure.name if structure is not None else sid)
    more = f" and {len(ids) - _NAMED} more" if len(ids) > _NAMED else ""
    return ", ".join(names) + more


def on_body(point, bounds: tuple[float, float, float, float, float, float] | None) -> bool:
    """False for a point far outside the loaded body (a wrong catalog position): framing it
    would shrink the body to a dot. True when nothing is loaded (nothing to compare with).
    """
    if bounds is None:
        return True
    lo, hi = (bounds[0], bounds[2], bounds[4]), (bounds[1], bounds[3], bounds[5])
    size = max(h - low for h, low in zip(hi, lo, strict=True))
    slack = MARGIN * size if math.isfinite(size) else 0.0
    return all(math.isfinite(c) and low - slack <= c <= h + slack for c, low, h in zip(point, lo, hi, strict=True))


def picture_problems(picture: Picture, manifest: Manifest, drawn: Collection[str],
                     bounds: tuple[float, float, float, float, float, float] | None,
                     load_problems: Iterable[Problem] = ()) -> list[str]:
    """Sentences saying what is missing or misplaced in ``picture``.

    Parameters
    ----------
    picture
        What the state asks to show.
    manifest
        The anatomy (for names).
    drawn
        Ids of the structures whose meshes loaded.
    bounds
        ``(xmin, xmax, ymin, ymax, zmin, zmax)`` of the loaded body, or None if nothing loaded.
    load_problems
        What went wrong loading the meshes (``"<structure id>: ..."`` messages): quoted with the
        structures they stopped, so the user learns which file to fix.
    """
    out: list[str] = []
    drawn = set(drawn)
    missing = [sid for sid in picture.roles if sid not in drawn]
    if missing:
        why = {}
        for p in load_problems:
            sid = p.message.split(":", 1)[0]
            why.setdefault(sid, f"{p.file}: {p.message.split(':', 1)[-1].strip()}")
        reasons = "; ".join(why[sid] for sid in missing[:_NAMED] if sid in why)
        out.append(f"{len(missing)} highlighted structure(s) could not be drawn (mesh missing or broken): "
                   f"{_names(missing, manifest)}; the picture is incomplete" + (f" ({reasons})" if reasons else ""))
    if bounds is not None and picture.markers:
        off = [m for m in picture.markers if not on_body(m.position, bounds)]
        if off:
            shown = ", ".join(f"{m.label or m.role} at ({', '.join(f'{c:.3g}' for c in m.position)})" for m in off[:_NAMED])
            out.append(f"{len(off)} needle point(s) lie outside the body: {shown}; their positions in the catalog "
                       "are wrong (run ims-atlas validate), and they are not drawn where they belong")
    return out
