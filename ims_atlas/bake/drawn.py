"""Authored muscles (sheets between landmark lines) and peripheral nerves (cables along landmarks).

Each muscle in ``authored_anatomy.json`` has one or more ``parts``; a part is a sheet whose
fibres run from its ``origin`` line through any ``via`` lines to its ``insertion`` line. The
parts of a muscle are one structure (the trapezius's upper, middle and lower fibres). A part
with a ``drape`` is lifted off the closed bones it names (``Landmarks.drape``), so a sheet on a
curved bone (temporalis on the skull) lies on it instead of cutting through. The centre path
stored with the mesh is the centre fibre of the muscle's ``path_part`` (or the fibre at its
``path_fibre`` fraction across the width), origin first, so a catalog epicentre's ``along``
fraction lands on it. A part's optional ``divisions`` name the parts one continuous sheet is
made of (the deltoid's clavicular, acromial and spinal parts), for the manifest's ``parts``.
A drape with an ``axis`` (two landmarks) lifts away from that line (round the humerus). A
part's optional ``strap`` makes it a strap of even thickness (thinning only over that fraction
at each end), and its optional ``intersections`` cut shallow grooves across it (the tendinous
intersections of the rectus abdominis). A part with a ``wrap`` is laid on the outer surface of
muscles built before it and of bones, seen from its ``outward`` side (``landmarks.wrap``): the
plantar aponeurosis on the first layer of the sole; its ``taper`` thins it evenly from origin
to insertion, and ``peak`` moves a belly's thickest point along the fibres. A wrap may also
name myo-sim's own muscles (the deep layer a superficial muscle lies on) and give an ``axis``:
then each point is laid on the surface straight out from that line (a forearm muscle on the
bones and deep muscles round them). A part's ``belly`` (``"table"``: the sourced belly end of
``muscle_bellies.json``, or a ``[start, end]`` range) makes it a fleshy belly there and an even
tendon beyond (its ``fullness`` rounds the belly out), and its ``tendon_width`` narrows the grid
to that width where the belly ends. A muscle's ``path_mid`` stores its centre path halfway
through the part's thickness (``mid_thickness``) instead of on the fibre grid, which for a sheet
laid on a bone is its deep surface: an epicentre on the path is then inside the belly.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.bake import bellies
from ims_atlas.bake.landmarks import Landmarks, body_vector, wrap
from ims_atlas.bake.solids import (
    border_spacing,
    cable,
    fibre_grid,
    merge,
    mirror,
    profile,
    rounded_profile,
    sheet,
    smooth_grid,
)
from ims_atlas.bake.spinal import Solid
from ims_atlas.bake.tubes import _smootherstep

#: Share of a fibre's length over which a grid narrows from its belly's width to its tendon's.
TENDON_NECK = 0.12


def _both_sides(base: dict, points, faces, path, midline_x: float) -> list[Solid]:
    lp, lf = mirror(points, faces, midline_x)
    lpath = np.array(path, dtype=np.float64)
    lpath[:, 0] = 2.0 * midline_x - lpath[:, 0]
    out = []
    for side, p, f, c in (("right", points, faces, path), ("left", lp, lf, lpath)):
        fields = dict(base)
        fields["id"] = f"{base['id']}_{side}"
        fields["name"] = f"{base['name']} ({side})"
        out.append(Solid(side=side, points=p, faces=f, path=c, **fields))
    return out


def _edge(value) -> float | tuple[float, float]:
    """A part's ``edge``: one relative thickness for both borders, or ``[first, last]``."""
    return float(value) if np.isscalar(value) else (float(value[0]), float(value[1]))


def belly_range(part: dict, muscle: str, grid: np.ndarray, segments: dict | None) -> tuple[float, float] | None:
    """The fleshy range (start, end) along a part's fibres, or None (a belly over its whole length).

    ``"belly": "table"`` takes the end the reviewed table (``muscle_bellies.json``) gives for the
    muscle (or for ``belly_of``), on the part's centre fibre, as for the swept tubes; a list is
    the range itself.
    """
    spec = part.get("belly")
    if spec is None:
        return None
    if spec == "table":
        found = bellies.belly_range(part.get("belly_of", muscle), "right", grid[len(grid) // 2], segments or {})
        if found is None:
            raise ValueError(f"authored_anatomy.json: no sourced belly for {muscle!r}")
        return found
    return float(spec[0]), float(spec[1])


def narrow_tendon(grid: np.ndarray, belly: tuple[float, float], width: float) -> np.ndarray:
    """Squeeze the stations past a belly's end towards the centre fibre to ``width`` across (a
    tendon), blending from the belly's width over ``TENDON_NECK`` of the length before its end.
    """
    grid = np.array(grid, dtype=np.float64)
    centre = grid[len(grid) // 2]
    v = np.linspace(0.0, 1.0, grid.shape[1])
    blend = _smootherstep((v - (belly[1] - TENDON_NECK)) / TENDON_NECK)
    if belly[0] > 0.0:
        blend = np.maximum(blend, _smootherstep((belly[0] + TENDON_NECK - v) / TENDON_NECK))
    across = np.linalg.norm(np.diff(grid, axis=0), axis=2).sum(axis=0)
    factor = 1.0 - blend * (1.0 - np.minimum(1.0, width / np.maximum(across, 1e-9)))
    return centre[None] + (grid - centre[None]) * factor[None, :, None]


def part_grid(part: dict, lm: Landmarks, built: dict | None = None, deep: dict | None = None,
              belly: tuple[float, float] | None = None) -> np.ndarray:
    """The fibre grid ``(fibres, stations, 3)`` of one muscle part (``built``: muscle id ->
    ``(points, faces)`` of the right-side muscles made so far, and ``deep``: the same for
    myo-sim's muscles, for a ``wrap``; ``belly``: the fleshy range, for a ``tendon_width``).

    A ``drape`` lifts the stations between the two ends off its bones (and the origin's too
    with ``"origin": true``); its ``snap`` lays the stations within that distance of the bone
    down on it, up to the ``snap_to`` share of the stations from the origin. A part's
    ``smooth`` (iterations) then smooths the grid, draped again so nothing sinks back in. A
    ``wrap`` lays the grid on the outer surface of muscles built before it and of bones.
    """
    lines = [lm.line(part["origin"])] + [lm.line(v) for v in part.get("via", [])] + [lm.line(part["insertion"])]
    grid = fibre_grid(lines, int(part.get("fibres", 8)), int(part.get("stations", 18)), bool(part.get("rounded", False)))
    if belly is not None and "tendon_width" in part:
        grid = narrow_tendon(grid, belly, float(part["tendon_width"]))
    if "drape" in part:
        d = part["drape"]
        axis = (lm.point(d["axis"][0]), lm.point(d["axis"][1])) if "axis" in d else None
        first = 0 if d.get("origin", False) else 1
        outward, clearance = body_vector(part["outward"]), float(d.get("clearance", 0.002))
        snap = float(d.get("snap", 0.0))
        last = 1 + int(round(float(d.get("snap_to", 1.0)) * (grid.shape[1] - 2))) if snap else first
        if snap:
            grid[:, first:last] = lm.drape(grid[:, first:last], d["bones"], outward, clearance, axis, snap)
        grid[:, first:-1] = lm.drape(grid[:, first:-1], d["bones"], outward, clearance, axis)
        if part.get("smooth"):
            grid = smooth_grid(grid, int(part["smooth"]), keep=(not d.get("origin", False), True))
            grid[:, first:-1] = lm.drape(grid[:, first:-1], d["bones"], outward, clearance, axis)
    elif part.get("smooth"):
        grid = smooth_grid(grid, int(part["smooth"]))
    if "wrap" in part:
        w = part["wrap"]
        known = {**(deep or {}), **(built or {})}
        missing = [m for m in w.get("muscles", []) if m not in known]
        if missing:
            raise KeyError(f"authored_anatomy.json: wrap on unknown muscle(s) {missing}")
        meshes = [known[m] for m in w.get("muscles", [])] + [lm.mesh(b) for b in w.get("bones", [])]
        axis = lm.axis(w["axis"]) if "axis" in w else None
        grid = wrap(grid, meshes, body_vector(part["outward"]), float(w.get("clearance", 0.0005)),
                    int(w.get("relax", 4)), bool(w.get("ends", False)), float(w.get("reach", np.inf)), axis,
                    float(w.get("upto", np.inf)))
    return grid


def intersection_scale(grid: np.ndarray, part: dict, lm: Landmarks) -> np.ndarray | None:
    """Thickness factors ``(fibres, stations)`` for a part's tendinous ``intersections``, or None.

    ``intersections``: ``{"levels": [landmark, ...], "depth": 0.3, "width": 0.008}``. Each level
    is a landmark whose height along the muscle (its projection on the line from the middle of
    the origin to the middle of the insertion) marks a band straight across the muscle; the
    thickness dips by ``depth`` (a fraction) there, fading over ``width`` metres (a Gaussian's
    standard deviation) on either side: a shallow groove on the surface, as the intersections
    of the rectus abdominis show through the skin.
    """
    spec = part.get("intersections")
    if not spec:
        return None
    axis = grid[:, -1].mean(axis=0) - grid[:, 0].mean(axis=0)
    axis /= np.linalg.norm(axis)
    s = grid @ axis
    dip = np.zeros(grid.shape[:2])
    for level in spec["levels"]:
        d = (s - float(lm.point(level) @ axis)) / float(spec.get("width", 0.008))
        dip = np.maximum(dip, np.exp(-0.5 * d * d))
    return 1.0 - float(spec.get("depth", 0.3)) * dip


def grid_normals(grid: np.ndarray, outward: np.ndarray) -> np.ndarray:
    """Unit normals ``(fibres, stations, 3)`` of a fibre grid, turned to the ``outward`` side (as
    :func:`solids.sheet` thickens it).
    """
    normal = np.cross(np.gradient(grid, axis=0), np.gradient(grid, axis=1))
    normal /= np.maximum(np.linalg.norm(normal, axis=2, keepdims=True), 1e-12)
    return -normal if np.einsum("ijk,k->", normal, outward) < 0 else normal


def mid_thickness(path: np.ndarray, normals: np.ndarray, points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Each point of a fibre moved along its normal to halfway through the solid (``points``,
    ``faces``): a muscle's ``path_mid`` centre path runs inside its belly, not on its deep surface
    (where the fibre grid of a sheet with ``bias`` 0 lies), so an epicentre placed on it is in the
    muscle. A point whose normal meets the solid nowhere stays where it is.
    """
    from ims_atlas.anatomy.geometry import contains_point, ray_hits

    p = np.asarray(points, dtype=np.float64)
    a = p[faces[:, 0]]
    e1, e2 = p[faces[:, 1]] - a, p[faces[:, 2]] - a
    out = np.array(path, dtype=np.float64)
    for k, (q, n) in enumerate(zip(out, normals, strict=True)):
        start = q - 1e-4 * n
        up = ray_hits(a, e1, e2, start, n)
        up = np.sort(up[~np.isnan(up)])
        if contains_point(p, faces, start):
            down = ray_hits(a, e1, e2, start, -n)
            down = down[~np.isnan(down)]
            if len(up) and len(down):
                out[k] = start + 0.5 * (up.min() - down.min()) * n
        elif len(up) >= 2:
            out[k] = start + 0.5 * (up[0] + up[1]) * n
    return out


def part_profiles(part: dict, fibres: int, stations: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """A part's relative thickness along its fibres and across them, from its ``along`` and
    ``across`` knots (``[[fraction, value], ...]``, :func:`solids.profile`) and its ``round``
    borders (``{"border": value at the edge, "rim": share of the width}``); None where the
    part gives none (:func:`solids.sheet` then uses ``tendon``, ``peak``, ``taper``, ``strap``,
    ``belly`` and ``edge``).
    """
    rounded = bool(part.get("rounded", False))
    v = border_spacing(stations) if rounded else np.linspace(0.0, 1.0, stations)
    u = border_spacing(fibres) if rounded else np.linspace(0.0, 1.0, fibres)
    along = profile(part["along"], v) if "along" in part else None
    across = None
    if "across" in part or "round" in part:
        across = profile(part["across"], u) if "across" in part else np.ones(fibres)
        if "round" in part:
            across = across * rounded_profile(u, float(part["round"]["border"]), float(part["round"].get("rim", 0.25)))
    return along, across


def muscles(data: dict, bones: dict, vertebrae: dict, landmarks: dict, midline_x: float, cite,
            deep: dict | None = None, segments: dict | None = None) -> list[Solid]:
    """Every authored muscle, both sides (``deep``: myo-sim muscle id -> right-side ``(points,
    faces)``, for wraps; ``segments``: the forearm and leg segments of ``bellies.segments``, for
    bellies taken from the sourced table).
    """
    lm = Landmarks(bones, vertebrae, landmarks, midline_x, data.get("pieces"), data.get("landmarks"))
    out, built = [], {}
    for m in data.get("muscles", []):
        solids, path = [], None
        for i, part in enumerate(m["parts"]):
            belly = None
            if "belly" in part:
                # The sourced level is found on the grid as its landmarks draw it, before the wrap
                # lays it on the surface (which moves it round the limb, not along it).
                plain = {k: v for k, v in part.items() if k not in ("wrap", "drape")}
                belly = belly_range(part, m["id"], part_grid(plain, lm), segments)
            grid = part_grid(part, lm, built, deep, belly)
            along, across = part_profiles(part, grid.shape[0], grid.shape[1])
            peak, taper, strap = part.get("peak"), part.get("taper"), part.get("strap")
            solids.append(sheet(grid, float(part["thickness"]), body_vector(part["outward"]),
                                tendon=float(part.get("tendon", 0.25)), edge=_edge(part.get("edge", 0.35)),
                                bias=float(part.get("bias", 0.0)), strip_caps=bool(part.get("strip_caps", False)),
                                peak=None if peak is None else float(peak),
                                taper=None if taper is None else float(taper),
                                strap=None if strap is None else float(strap),
                                scale=intersection_scale(grid, part, lm), belly=belly,
                                fullness=float(part.get("fullness", 1.0)), along=along, across=across))
            if i == int(m.get("path_part", 0)):
                fibre = round(float(m["path_fibre"]) * (len(grid) - 1)) if "path_fibre" in m else len(grid) // 2
                path = grid[fibre]
                if m.get("path_mid"):
                    path = mid_thickness(path, grid_normals(grid, body_vector(part["outward"]))[fibre], *solids[-1])
        points, faces = merge(solids)
        built[m["id"]] = (points, faces)
        base = {"id": m["id"], "name": m["name"], "kind": m.get("kind", "muscle"), "layer": "muscles", "region": m["region"],
                "muscle": m["id"], "parts": tuple(n for p in m["parts"] for n in p.get("divisions", [p["name"]])),
                "source": cite(data, m["sources"])}
        out += _both_sides(base, points, faces, path, midline_x)
    return out


def hug(controls: np.ndarray, span: tuple[int, int], meshes: list[tuple[np.ndarray, np.ndarray]], reach: float,
        spacing: float = 0.003) -> np.ndarray:
    """A nerve's control polygon resampled every ``spacing``, with each station on the stretch
    from control ``span[0]`` to ``span[1]`` that lies farther than ``reach`` from every surface of
    ``meshes`` (the muscles and bones it runs on) moved straight towards the nearest of them
    until it is ``reach`` away: the nerve lies on those muscles, under the deep fascia, instead
    of standing off them in the space the model's skin wraps tightly (the stand-in skin lies
    only a few millimetres outside the muscles).
    """
    from scipy.spatial import cKDTree

    from ims_atlas.bake.foramina import surface_samples
    from ims_atlas.bake.tubes import resample

    controls = np.asarray(controls, dtype=np.float64)
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(controls, axis=0), axis=1))])
    stations = resample(controls, max(int(round(arc[-1] / spacing)), 2) + 1)
    s = np.linspace(0.0, arc[-1], len(stations))
    tree = cKDTree(np.vstack([surface_samples(p, f, 0.5 * reach) for p, f in meshes]))
    d, j = tree.query(stations)
    near = tree.data[j]
    move = (s >= arc[span[0]] - 1e-9) & (s <= arc[span[1]] + 1e-9) & (d > reach)
    stations[move] = near[move] + (stations[move] - near[move]) * (reach / d[move])[:, None]
    return stations


def nerves(data: dict, bones: dict, vertebrae: dict, landmarks: dict, midline_x: float, cite,
           muscles: dict | None = None) -> list[Solid]:
    """Every authored peripheral nerve, both sides; branches are part of their nerve's structure.

    ``muscles``: muscle id -> right-side ``(points, faces)``, for a branch's ``hug``
    (``{"muscles": [...], "bones": [...], "between": [first, last control point], "reach": m}``:
    that stretch of the course is laid on those muscles and bones, :func:`hug`).
    """
    lm = Landmarks(bones, vertebrae, landmarks, midline_x, data.get("pieces"), data.get("landmarks"))
    out = []
    for n in data.get("nerves", []):
        cables, path = [], None
        for branch in n["branches"]:
            controls = lm.line(branch["points"])
            radius = float(branch.get("radius", n["radius"]))
            if "hug" in branch:
                h = branch["hug"]
                missing = [m for m in h.get("muscles", []) if m not in (muscles or {})]
                if missing:
                    raise KeyError(f"authored_anatomy.json: nerve {n['id']!r} hugs unknown muscle(s) {missing}")
                meshes = [muscles[m] for m in h.get("muscles", [])] + [lm.mesh(b) for b in h.get("bones", [])]
                first, last = (int(i) for i in h.get("between", [0, len(controls) - 1]))
                controls = hug(controls, (first, last), meshes, float(h.get("reach", radius + 0.0005)))
            cables.append(cable(controls, radius, sides=8, spacing=0.012))
            if path is None:
                path = controls
        points, faces = merge(cables)
        base = {"id": f"nerve_{n['id']}", "name": n["name"], "kind": "nerve", "layer": "nerves",
                "region": n["region"], "parts": tuple(b["name"] for b in n["branches"]),
                "source": cite(data, n["sources"])}
        out += _both_sides(base, points, faces, path, midline_x)
    return out
