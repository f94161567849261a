"""Bake myo-sim's ``myofullbody`` into ``meshes/``: one ``.npz`` per structure + ``manifest.json``.

Deterministic: the same myo-sim version gives byte-identical files.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from ims_atlas.anatomy.mesh_file import write_mesh
from ims_atlas.bake import beds, bellies, fascicle_columns, fascicle_sheets, names, tubes
from ims_atlas.bake.authored import build_authored, denied_sources, load_data
from ims_atlas.bake.myosim import MODEL, BoneMesh, bone_meshes, fascicles, load_default_pose
from ims_atlas.bake.organs import build_organs
from ims_atlas.bake.solids import merge
from ims_atlas.core.ids import MIDLINE_X

#: Specific tension used to turn peak force into a belly cross-section (N per m^2).
#: myo-sim's forces come from PCSA; 1 MPa keeps the summed bellies inside the body outline.
SPECIFIC_TENSION = 1.0e6
MAX_RADIUS = 0.028
#: Points round each ring of a belly flattened against its bed (``thickness`` in muscle_beds.json):
#: more than a round tube's 10, so the ellipse's narrow ends stay smooth.
FLAT_SIDES = 16
#: A sourced belly is at most this thick for its length (peak radius / belly length): a belly's
#: width is at most a fifth of its length, as in a fusiform muscle; a short belly that would
#: need more to hold its muscle's volume is capped (and loses that volume, like MAX_RADIUS), but
#: never below the radius of the default spindle it replaces.
BELLY_SLENDERNESS = 0.1
SOURCE = "myo-sim {version} ({model}, default pose), Apache-2.0"
LICENCE = "Apache-2.0"
#: Triangles kept per hand after decimation (the raw hands are 228k of 288k bone triangles).
HAND_TRIANGLES = 6000


def _side_of(points: np.ndarray) -> str:
    cx = float(points[:, 0].mean())
    if abs(cx - MIDLINE_X) < 0.01:
        return "midline"
    return "left" if cx > MIDLINE_X else "right"  # +X is the subject's left


def _components(points: np.ndarray, faces: np.ndarray) -> list[np.ndarray]:
    """Face index arrays of each connected component."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(points)
    edges = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]]])
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    face_labels = labels[faces[:, 0]]
    return [np.flatnonzero(face_labels == c) for c in np.unique(face_labels)]


def wound_outward(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """``faces`` wound consistently and outwards, piece by piece.

    myo-sim's bone meshes are wound outwards nearly everywhere, but a few patches are not (the
    cervical discs, a patch of the proximal radius and of the scapula): drawn with back faces
    culled they vanished, and unculled they showed their dark inner side. Starting from each
    unvisited triangle, neighbours across an edge shared by exactly two triangles are turned
    to agree with it (the shared edge must run opposite ways in the two); each piece so found
    is then turned over as a whole if its signed volume (about its own centre, so open pieces
    count too) is negative. Pieces that enclose no measurable volume keep their winding.
    """
    n = len(faces)
    directed = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    owner = np.tile(np.arange(n), 3)
    _, edge_id, counts = np.unique(np.sort(directed, axis=1), axis=0, return_inverse=True, return_counts=True)
    edge_id = edge_id.reshape(-1)
    neighbours: list[list[tuple[int, bool]]] = [[] for _ in range(n)]
    order = np.argsort(edge_id, kind="stable")
    for i, j in zip(order[:-1], order[1:], strict=False):
        if edge_id[i] == edge_id[j] and counts[edge_id[i]] == 2:
            same_way = bool(directed[i, 0] == directed[j, 0])  # agreeing triangles run it opposite ways
            neighbours[owner[i]].append((int(owner[j]), same_way))
            neighbours[owner[j]].append((int(owner[i]), same_way))
    flip = np.zeros(n, dtype=bool)
    seen = np.zeros(n, dtype=bool)
    out = faces.copy()
    for start in range(n):
        if seen[start]:
            continue
        piece, stack = [start], [start]
        seen[start] = True
        while stack:
            f = stack.pop()
            for g, same_way in neighbours[f]:
                if not seen[g]:
                    seen[g] = True
                    flip[g] = flip[f] ^ same_way
                    piece.append(g)
                    stack.append(g)
        idx = np.array(piece)
        wound = np.where(flip[idx, None], faces[idx][:, ::-1], faces[idx])
        centre = points[np.unique(wound)].mean(axis=0)
        a, b, c = (points[wound[:, k]] - centre for k in range(3))
        volume = float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum()) / 6.0
        out[idx] = wound[:, ::-1] if volume < -1e-9 else wound  # 1e-9 m^3 = 1 mm^3
    return out


def _submesh(points: np.ndarray, faces: np.ndarray, face_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    f = faces[face_idx]
    used, inverse = np.unique(f.reshape(-1), return_inverse=True)
    return points[used], inverse.reshape(-1, 3)


def _decimate(points: np.ndarray, faces: np.ndarray, target: int) -> tuple[np.ndarray, np.ndarray]:
    import pyvista as pv

    mesh = pv.PolyData(points, np.hstack([np.full((len(faces), 1), 3), faces]).ravel())
    reduction = max(0.0, 1.0 - target / max(len(faces), 1))
    out = mesh.decimate(reduction, volume_preservation=True).triangulate().clean()
    return np.asarray(out.points, dtype=np.float64), out.faces.reshape(-1, 4)[:, 1:].astype(np.int64)


def _drop_logo(points: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove the MyoSuite logo disc (and its letters) that sits on the sternum."""
    comps = _components(points, faces)
    logo = max(comps, key=len)
    lp = points[np.unique(faces[logo])]
    lo, hi = lp.min(axis=0) - 0.003, lp.max(axis=0) + 0.003
    keep = []
    for c in comps:
        if c is logo:
            continue
        cp = points[np.unique(faces[c])]
        inside = (cp.min(axis=0) >= lo).all() and (cp.max(axis=0) <= hi).all()
        if not inside:
            keep.append(c)
    return _submesh(points, faces, np.concatenate(keep))


def _vertebra_landmarks(points: np.ndarray) -> dict[str, list[float]]:
    """Centroid, top, bottom, spinous tip and the posterior bony surface 15 mm either side."""
    c = points.mean(axis=0)
    lm = {
        "centroid": c,
        "superior": np.array([c[0], c[1], points[:, 2].max()]),
        "inferior": np.array([c[0], c[1], points[:, 2].min()]),
        "spinous_tip": points[np.argmax(points[:, 1])],  # most posterior point (+Y is posterior)
    }
    for side, sign in (("right", -1.0), ("left", 1.0)):
        x = MIDLINE_X + sign * 0.015
        near = points[np.abs(points[:, 0] - x) < 0.005]
        if len(near):
            lm[f"lamina_{side}"] = near[np.argmax(near[:, 1])]
    return {k: [round(float(v), 5) for v in val] for k, val in lm.items()}


def _entry(sid, name, kind, layer, side, region, file, faces, level=None, muscle=None, parts=(), landmarks=None, source=""):
    e = {
        "id": sid, "name": name, "kind": kind, "layer": layer, "side": side, "region": region,
        "level": level, "muscle": muscle, "parts": list(parts), "file": file,
        "triangles": int(len(faces)), "source": source, "licence": LICENCE,
    }
    if landmarks:
        e["landmarks"] = landmarks
    return e


def _side_label(side: str) -> str:
    return "" if side == "midline" else f" ({side})"


def _bones(meshes: list[BoneMesh], out: Path, source: str) -> list[dict]:
    entries: list[dict] = []
    spine: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    groups: dict[tuple[str, str], list[tuple[np.ndarray, np.ndarray]]] = defaultdict(list)
    for m in meshes:
        key = names.bone_key(m.name)
        if m.name == "hat_cervical":
            comps = sorted(_components(m.points, m.faces), key=len)
            discs, verts = comps[:5], comps[5:]
            # Order the seven vertebrae by height: C1 (atlas) is the highest.
            verts.sort(key=lambda c: -m.points[np.unique(m.faces[c])][:, 2].mean())
            for i, c in enumerate(verts, start=1):
                spine[f"C{i}"] = _submesh(m.points, m.faces, c)
            groups[("cervical_discs", "midline")].append(_submesh(m.points, m.faces, np.concatenate(discs)))
        elif "thoracic" in m.name:
            level = "T" + m.name.split("thoracic")[1].split("_")[0]
            spine[level] = (m.points, m.faces)
        elif m.name.startswith("lumbar"):
            spine["L" + m.name.split("_")[0][len("lumbar"):]] = (m.points, m.faces)
        elif m.name.startswith("sacrum"):
            spine["S"] = (m.points, m.faces)
        elif m.name == "torso_geom_13_ribcage_s":
            groups[("ribcage", "midline")].append(_drop_logo(m.points, m.faces))
        elif key in names.HAND_BONES:
            groups[("hand_bones", _side_of(m.points))].append((m.points, m.faces))
        elif m.name in names.BONES or key in names.BONES:
            base = names.BONES.get(m.name, names.BONES.get(key))[0]
            side = "midline" if base in ("skull", "mandible") else _side_of(m.points)
            groups[(base, side)].append((m.points, m.faces))
    for level, (p, f) in spine.items():
        sid = "sacrum" if level == "S" else f"vertebra_{level.lower()}"
        name = "Sacrum" if level == "S" else f"{level} vertebra"
        region = {"C": "cervical spine", "T": "thoracic spine", "L": "lumbar spine", "S": "pelvis"}[level[0]]
        file = f"spine/{sid}.npz"
        f = wound_outward(p, f)
        write_mesh(out / file, p, f)
        entries.append(_entry(sid, name, "vertebra", "spine", "midline", region, file, f, level=level,
                              landmarks=_vertebra_landmarks(p), source=source))
    order = {n: i for i, n in enumerate(("C1 C2 C3 C4 C5 C6 C7 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 L1 L2 L3 L4 L5 S").split())}
    entries.sort(key=lambda e: order[e["level"]])
    display = {v[0]: (v[1], v[2]) for v in names.BONES.values()}
    display["hand_bones"] = ("Bones of the hand", "hand")
    display["cervical_discs"] = ("Cervical intervertebral discs", "cervical spine")
    for (base, side), parts in sorted(groups.items()):
        p, f = merge(parts)
        if base == "hand_bones":
            p, f = _decimate(p, f, HAND_TRIANGLES)
        f = wound_outward(p, f)
        sid = base if side == "midline" else f"{base}_{side}"
        name, region = display[base]
        layer = "spine" if base == "cervical_discs" else "bones"
        file = f"bones/{sid}.npz"
        write_mesh(out / file, p, f)
        entries.append(_entry(sid, name + _side_label(side), "bone", layer, side, region, file, f, source=source))
    return entries


def _chest_wall(meshes: list[BoneMesh]) -> np.ndarray:
    """The ribcage's convex hull (planes, inside <= 0): broad trunk muscles lie on or outside it."""
    from scipy.spatial import ConvexHull

    rib = next(m for m in meshes if m.name == "torso_geom_13_ribcage_s")
    return ConvexHull(_drop_logo(rib.points, rib.faces)[0]).equations


def _sheet_muscle(mid: str, group: list, bone_points: np.ndarray, wall: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A broad muscle (one side) as one closed sheet per head; the centre path is the main head's."""
    by_name = {g.name: g for g in group}
    origin_end = names.SHEETS[mid][0]
    sheets = []
    for head in names.sheet_heads(mid, list(by_name)):
        fas = [by_name[n] for n in head]
        sheets.append(fascicle_sheets.fascicle_sheet([g.path for g in fas], [g.peak_force for g in fas], origin_end,
                                                     MIDLINE_X, bone_points, SPECIFIC_TENSION, wall,
                                                     names.SHEET_DEPTH.get(mid, fascicle_sheets.BIAS),
                                                     names.SHEET_CORNERS.get(mid, fascicle_sheets.CORNER_CUT)))
    p, f = merge([(s.points, s.faces) for s in sheets])
    main = max(range(len(sheets)), key=lambda i: len(sheets[i].grid))
    return p, f, sheets[main].centre


def _tube(mid: str, side: str, fas, segments, bones=None, under=()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One fascicle as a swept tube: (points, faces, the path it was swept along).

    The spindle radius comes from peak force (``SPECIFIC_TENSION``). A muscle in the sourced
    belly table (``bake/muscle_bellies.json``) keeps that spindle's volume but gathers it into
    its belly, which is correspondingly thicker (still at most ``MAX_RADIUS``), and runs on as a
    thin tendon; every other muscle is the symmetric spindle over its whole path. The belly's
    peak radius is capped by ``MAX_RADIUS`` and ``BELLY_SLENDERNESS`` (the latter never below the
    spindle's own radius). A muscle in the sourced bed table (``bake/muscle_beds.json``) has its
    path laid on the surface of its bone first (``bones``: (bone, side) -> (points, faces); and
    ``under``: the solids already baked of the muscles its bed lies over), and is flattened against
    that surface if the table gives it a ``thickness``.
    """
    length = float(np.linalg.norm(np.diff(fas.path, axis=0), axis=1).sum())
    radius = min(np.sqrt(fas.peak_force / (SPECIFIC_TENSION * np.pi)), MAX_RADIUS, 0.2 * length)
    belly = bellies.belly_range(mid, side, tubes.smooth(fas.path), segments)
    entry = beds.load_table()["muscles"].get(mid)
    flat = {"thin": beds.thin_axis(entry, side), "thickness": beds.thickness(entry)}
    if flat["thin"] is not None:
        flat["sides"] = FLAT_SIDES
    if belly is None:
        path = _bedded(entry, side, fas.path, lambda t: radius * tubes.belly_profile(t), 1.0, bones, under)
        return (*tubes.sweep(path, radius, **flat), path)
    tendon = tubes.tendon_radius(radius)
    peak = tubes.peak_for_volume(tubes.spindle_volume(radius, length), length, belly, tendon)
    # Slender, but never thinner than the spindle it replaces.
    peak = min(max(min(peak, BELLY_SLENDERNESS * (belly[1] - belly[0]) * length), radius), MAX_RADIUS)
    peak = max(peak, tendon)
    path = _bedded(entry, side, fas.path, lambda t: tubes.belly_tendon_radii(t, peak, tendon, belly), belly[1],
                   bones, under)
    return (*tubes.sweep(path, peak, rings=tubes.BELLY_RINGS, belly=belly, tendon=tendon, **flat), path)


def _bedded(entry: dict | None, side: str, path: np.ndarray, radii, until: float, bones, under) -> np.ndarray:
    """A fascicle's path laid on its bone's sourced surface (``beds``), else as it is."""
    bone = (bones or {}).get((entry["bone"], side)) if entry else None
    return path if bone is None else beds.bedded_path(path, radii, bone, entry, side, until, under)


def _bake_order(keys: list[tuple[str, str, str | None]]) -> list[tuple[str, str, str | None]]:
    """``keys`` with every muscle whose bed lies over other muscles (``over`` in the bed table)
    after those muscles, so their solids are baked when its bed is laid; otherwise as given.
    """
    table = beds.load_table()["muscles"]

    def depth(mid: str, seen: tuple[str, ...] = ()) -> int:
        if mid in seen:
            raise ValueError(f"muscle_beds.json: muscles.{mid}.over runs in a circle ({' > '.join(seen + (mid,))})")
        over = table.get(mid, {}).get("over", [])
        return 1 + max((depth(o, seen + (mid,)) for o in over), default=-1)

    return sorted(keys, key=lambda k: depth(k[0]))


def _bone_surfaces(meshes: list[BoneMesh]) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """The long bones a bed may name, by (bone, side): (points, faces)."""
    wanted = {e["bone"] for e in beds.load_table()["muscles"].values()}
    parts: dict[tuple[str, str], list[tuple[np.ndarray, np.ndarray]]] = defaultdict(list)
    for m in meshes:
        key = names.bone_key(m.name)
        entry = names.BONES.get(m.name, names.BONES.get(key))
        if entry is not None and entry[0] in wanted:
            parts[(entry[0], _side_of(m.points))].append((m.points, m.faces))
    return {k: merge(v) for k, v in parts.items()}


def _muscles(out: Path, model, data, source: str, meshes: list[BoneMesh]) -> list[dict]:
    bone_points = np.vstack([m.points for m in meshes])
    wall = _chest_wall(meshes)
    # A muscle authored in authored_anatomy.json replaces myo-sim's fascicles of the same id
    # (infraspinatus and supraspinatus fill their fossae; myo-sim has one thin line each; the
    # deltoid is one cap over the humeral head instead of myo-sim's three spindles; gluteus
    # minimus is a fan laid on the ilium under gluteus medius, where myo-sim's sheet lay off it).
    authored = {m["id"] for m in load_data()["muscles"]}
    groups: dict[tuple[str, str, str | None], list] = defaultdict(list)
    for fas in fascicles(model, data):
        mid = names.muscle_for(fas.name)
        if mid is None or mid in authored:
            continue
        # Side from the geometry: myo-sim's own suffixes are not always right (its rect_abd_r
        # lies mostly left of the midline). Only a fascicle within 4 mm of the midline falls
        # back to its suffix.
        cx = float(fas.path[:, 0].mean())
        if abs(cx - MIDLINE_X) > 0.004:
            side = "left" if cx > MIDLINE_X else "right"
        else:
            side = {"_r": "right", "_l": "left"}.get(fas.name[-2:], "midline")
        groups[(mid, side, names.level_for(fas.name))].append(fas)
    segments = bellies.segments(model, data)
    bones = _bone_surfaces(meshes)
    table = beds.load_table()["muscles"]
    keys = sorted(groups, key=lambda k: (k[0], k[1], k[2] or ""))
    baked: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    entries: dict[tuple[str, str, str | None], dict] = {}
    for mid, side, level in _bake_order(keys):
        group = groups[(mid, side, level)]
        if mid in names.SHEETS and len(group) >= 3:
            p, f, centre = _sheet_muscle(mid, group, bone_points, wall)
        elif mid in names.COLUMNS and len(group) >= 3:
            keep_off = None if side == "midline" else (MIDLINE_X, 1.0 if side == "left" else -1.0)
            p, f = fascicle_columns.column([g.path for g in group], [g.peak_force for g in group], SPECIFIC_TENSION,
                                           keep_off, mid in names.FAN_COLUMNS)
            main = max(group, key=lambda g: g.peak_force)
            centre = tubes.resample(tubes.smooth(main.path), 24)
        else:
            under = [baked[(o, side)] for o in table.get(mid, {}).get("over", []) if (o, side) in baked]
            swept = [_tube(mid, side, fas, segments, bones, under) for fas in group]
            p, f = merge([(pts, fcs) for pts, fcs, _ in swept])
            # The centre path (catalog epicentres are placed on it) is the main fascicle's path
            # as swept, laid on its bone's bed where it has one.
            _, _, main_path = max(zip(group, swept, strict=True), key=lambda gs: gs[0].peak_force)[1]
            centre = tubes.resample(tubes.smooth(main_path), 24)
        name, region = names.MUSCLES[mid]
        sid = f"{mid}_{level.lower()}_{side}" if level else f"{mid}_{side}"
        label = f"{name} {level}" if level else name
        file = f"muscles/{sid}.npz"
        write_mesh(out / file, p, f, centre)
        baked[(mid, side)] = (p, f)
        entries[(mid, side, level)] = _entry(sid, label + _side_label(side), "muscle", "muscles", side, region, file,
                                             f, level=level, muscle=mid, parts=sorted(g.name for g in group),
                                             source=source)
    return [entries[k] for k in keys]


def build_meshes(out: str | Path) -> dict:
    """Bake every structure into ``out`` and write ``out/manifest.json``; return the manifest."""
    import importlib.metadata

    out = Path(out)
    version = importlib.metadata.version("myo-sim")
    source = SOURCE.format(version=version, model=MODEL)
    # The sourced data files cite no site on the source deny list: refused before anything is
    # written or removed.
    refused = (denied_sources(load_data()) + bellies.denied_sources(bellies.load_table())
               + beds.denied_sources(beds.load_table()))
    if refused:
        raise ValueError("; ".join(refused))
    model, data = load_default_pose()
    # Start clean so files of structures that no longer exist do not linger.
    for sub in ("bones", "spine", "muscles", "nerves"):
        for old in sorted((out / sub).glob("*.npz")):
            old.unlink()
    meshes = bone_meshes(model, data)
    structures = _bones(meshes, out, source) + _muscles(out, model, data, source, meshes)
    structures += build_authored(out, structures, MIDLINE_X, segments=bellies.segments(model, data))
    structures += build_organs(out, structures, MIDLINE_X)
    manifest = {
        "format_version": 1,
        "frame": {
            "units": "metres",
            "up": "+Z",
            "anterior": "-Y",
            "left": "+X",
            "midline_x": MIDLINE_X,
            "description": "myo-sim's own frame: metres, +Z superior, -Y anterior (the body faces -Y), "
            "+X the subject's left; standing, arms at the sides, forearms mid-prone.",
        },
        "source": {
            "package": "myo-sim",
            "version": version,
            "model": MODEL,
            "pose": "default",
            "licence": LICENCE,
            "notes": "Bones: myo-sim STL meshes placed at the default pose; the cervical spine split into C1-C7 by "
            "connectivity; the MyoSuite logo disc removed from the ribcage; the hands decimated. Muscles: one "
            "closed solid per myo-sim fascicle swept along its computed path, belly radius from peak force; the long "
            "forearm and leg muscles in ims_atlas/bake/muscle_bellies.json (sourced belly ends) as a belly of the "
            "same volume ending where the sources put it and a thin tendon beyond; the fascicles of flexor digitorum "
            "longus and the vasti laid on the surface of their bone that "
            "ims_atlas/bake/muscle_beds.json names (sourced), where myo-sim's lines run beside, behind or through it "
            "(the vasti medialis and intermedius flattened against the femur, the rectus femoris laid over the "
            "intermedius); the broad "
            "muscles (gluteus maximus and medius, latissimus dorsi, pectoralis major, obliques) as one continuous sheet through their "
            "fascicles, thickness from their summed peak force spread over the sheet's width and lifted onto the "
            "ribcage's convex hull where myo-sim's straight lines cut inside the chest; the stacked trunk columns "
            "(iliocostalis, longissimus, quadratus lumborum, psoas; lumbar multifidus level by level) as one solid "
            "around all their fascicles. "
            "Sides come from the geometry (myo-sim's rect_abd_r lies mostly left of the midline, rect_abd_l right). "
            "Authored for IMS Atlas (not from myo-sim; each structure's own source names its references): nerve "
            "roots C1-S2, cervical and thoracic multifidus by level, the neck, shoulder-girdle, jaw and foot muscles "
            "myo-sim lacks (with the medial pterygoid, iliocostalis thoracis, obturator internus, quadratus femoris, "
            "plantaris, extensor digitorum brevis and the lumbricals and plantar interossei of the foot, and the other catalog "
            "muscles it lacks: subclavius, the serratus posteriores, longissimus capitis and cervicis, iliocostalis "
            "cervicis, spinalis and semispinalis thoracis, semispinalis cervicis, the thoracic rotatores, longus capitis, "
            "the anterior and lateral recti capitis, platysma, transversus thoracis, pyramidalis, pectineus, the gemelli, obturator externus, "
            "adductor minimus, fibularis tertius, extensor hallucis brevis, the hand's hypothenar muscles and flexor and "
            "opponens digiti minimi of the foot), the deltoid, supraspinatus, infraspinatus, rectus abdominis and gluteus minimus (replacing "
            "myo-sim's lines of the same muscles), the superficial muscles of the back and radial side of the forearm (brachioradialis, "
            "the radial wrist extensors, extensor digitorum, extensor digiti minimi, extensor carpi ulnaris, anconeus: "
            "flattened bellies laid side by side round the forearm on its bones and deep muscles, each belly ending "
            "where muscle_bellies.json says, replacing myo-sim's tubes), and peripheral nerves, generated from "
            "ims_atlas/bake/authored_anatomy.json. Organs and vessels (layers 'organs' and 'vessels', loaded only "
            "when asked for: the danger zones): the pleural sacs, lungs, kidneys, vertebral, common carotid, subclavian, "
            "brachial and popliteal arteries and the spinal cord, authored from surface-anatomy landmarks on the baked skeleton, generated from ims_atlas/bake/organs.json.",
        },
        "structures": structures,
    }
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")
    return manifest
