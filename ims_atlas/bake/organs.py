"""Bake the organs and vessels the safety notes warn of (``organs.json``): the pleural sacs and
lungs, the kidneys, the vertebral and common carotid arteries, and the subclavian, brachial and
popliteal arteries (``limb_arteries.py``), each side built on that side's own bones, and the
spinal cord in the vertebral canal (``cord.py``).

They go into the manifest in their own layers (``organs``, ``vessels``), which the anatomy
keeps apart from the drawn layers: nothing loads them until the danger zones ask.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from ims_atlas.anatomy.geometry import contains_point, distance_to_mesh
from ims_atlas.anatomy.mesh_file import read_mesh, write_mesh
from ims_atlas.bake import cord, limb_arteries, mediastinum, pleura
from ims_atlas.bake.authored import denied_sources
from ims_atlas.bake.solids import cable

DATA = Path(__file__).with_name("organs.json")
LICENCE = "Apache-2.0"
SIDES = ("right", "left")


def load_organs(path: str | Path = DATA) -> dict:
    """The organ data file, parsed."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def cite(data: dict, keys: list[str], note: str = "") -> str:
    """A manifest ``source`` string from source keys of the organ data file.

    Raises ``KeyError`` for a key the file does not define and ``ValueError`` for a source on
    the source deny list (as the authored anatomy does): no organ is baked citing it.
    """
    missing = [k for k in keys if k not in data["sources"]]
    if missing:
        raise KeyError(f"organs.json: unknown source(s) {missing}")
    refused = denied_sources({"sources": {k: data["sources"][k] for k in keys}}, DATA.name)
    if refused:
        raise ValueError("; ".join(refused))
    text = "Authored for IMS Atlas from surface-anatomy landmarks on the baked skeleton: " + "; ".join(
        f"{data['sources'][k]['title']} <{data['sources'][k]['url']}>" for k in keys)
    return text + (f". {note}" if note else "")


# -- the bones ----------------------------------------------------------------------------------

def _read(out: Path, entries: list[dict], sid: str) -> tuple[np.ndarray, np.ndarray]:
    e = next(e for e in entries if e["id"] == sid)
    m = read_mesh(out / e["file"])
    return m.points.astype(np.float64), m.faces


def _components(points: np.ndarray, faces: np.ndarray) -> list[np.ndarray]:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(points)
    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]]])
    _, labels = connected_components(coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n)), directed=False)
    return [np.flatnonzero(labels == c) for c in np.unique(labels)]


def chests(out: Path, entries: list[dict], midline_x: float, data: dict | None = None) -> dict[str, pleura.Chest]:
    """Both sides' bones for the pleura: the ribcage split into its 24 ribs and the sternum with
    the costal cartilages (its largest piece), the thoracic and first lumbar vertebrae.
    """
    pts, faces = _read(out, entries, "ribcage")
    pieces = _components(pts, faces)
    sternum = max(pieces, key=len)
    ribs = [pts[p] for p in pieces if p is not sternum]
    if len(ribs) != 24:
        raise ValueError(f"organs: the ribcage has {len(ribs)} separate ribs, not 24; the pleura needs each rib")
    keep = np.zeros(len(pts), dtype=bool)
    keep[sternum] = True
    remap = -np.ones(len(pts), dtype=np.int64)
    remap[sternum] = np.arange(len(sternum))
    cart_faces = remap[faces[keep[faces].all(axis=1)]]
    cart = pts[sternum]
    from ims_atlas.bake.foramina import surface_samples

    vertebrae, vlm = {}, {}
    samples = [surface_samples(pts, faces, 0.0015)]
    for e in entries:
        if e["kind"] == "vertebra":
            vlm[e["level"]] = e["landmarks"]
            if e["level"][0] == "T" or e["level"] == "L1":
                vp, vf = _read(out, entries, e["id"])
                vertebrae[e["level"]] = vp
                samples.append(surface_samples(vp, vf, 0.0015))
    bone_samples = np.vstack(samples)
    out_chests = {}
    for side in SIDES:
        sign = -1.0 if side == "right" else 1.0
        mine = [r for r in ribs if sign * (r[:, 0].mean() - midline_x) > 0]
        mine.sort(key=lambda r: -r[:, 2].max())  # rib 1 is the highest
        out_chests[side] = pleura.Chest(side=side, midline_x=midline_x, ribs=mine, cartilage=cart,
                                        cartilage_faces=cart_faces, cartilage_all=cart, vertebrae=vertebrae,
                                        vertebra_landmarks=vlm, clavicle=_read(out, entries, f"clavicle_{side}")[0],
                                        scapula=_read(out, entries, f"scapula_{side}")[0], ribcage=pts,
                                        bone_samples=bone_samples)
    data = load_organs() if data is None else data
    if "heart" in data:
        levels = sorted((float(v[:, 2].min()), float(v[:, 2].max()), float(v[:, 1].min())) for v in vertebrae.values())

        def vertebrae_front(z: float) -> float:
            return min((lo_z, hi_z, y) for lo_z, hi_z, y in levels if lo_z - 0.01 <= z <= hi_z + 0.01)[2] \
                if any(lo_z - 0.01 <= z <= hi_z + 0.01 for lo_z, hi_z, _ in levels) else levels[0][2]

        heart = mediastinum.heart_points(out_chests["right"], out_chests["right"], out_chests["left"], data["heart"],
                                    vertebrae_front)
        out_chests = {k: replace(c, heart=heart) for k, c in out_chests.items()}
    return out_chests


# -- pleura and lungs ------------------------------------------------------------------------------

def pleura_and_lung(chest: pleura.Chest, data: dict) -> dict[str, tuple[np.ndarray, np.ndarray, dict]]:
    """The parietal pleura and the lung of one side, with their landmarks."""
    pl, lu, di = data["pleura"], data["lungs"], data["diaphragm"]
    floor_low = min(pleura.border_height(chest, v, pleura.LINE_OF[k]) for k, v in pl["lower_border"].items())
    w = pleura.wall(chest, floor_low)
    dome = pleura.border_height(chest, di[f"dome_{chest.side}"], "midclavicular")
    out = {}
    apex = pleura.apex(chest, pl["apex_above_clavicle"])
    floor = pleura.border_line(chest, w, pl["lower_border"])
    hull = chest.hull()
    p, f = pleura.sac(chest, w, floor, dome, apex, pl["wall_gap"], hull)
    out["pleura"] = (p, f, {"apex": apex})
    # The lung: the pleura's wall and dome drawn ``inside_pleura`` further in, its own lower border.
    apex_l = apex - np.array([0.0, 0.0, lu["inside_pleura"]])
    floor_l = pleura.border_line(chest, w, lu["lower_border"])
    p, f = pleura.sac(chest, w, floor_l, dome + lu["inside_pleura"], apex, pl["wall_gap"], hull,
                      extra=lu["inside_pleura"])
    out["lung"] = (p, f, {"apex": apex_l})
    return out


# -- kidneys ----------------------------------------------------------------------------------------

def _ellipsoid(semi: np.ndarray, rings: int = 24, sides: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """A closed ellipsoid in its own axes (length along z), as rings lofted pole to pole."""
    from ims_atlas.bake.solids import loft

    t = np.linspace(0.0, np.pi, rings + 2)[1:-1]
    a = np.linspace(0.0, 2 * np.pi, sides, endpoint=False)
    ring = np.stack([np.stack([semi[0] * np.sin(ti) * np.cos(a), semi[1] * np.sin(ti) * np.sin(a),
                               np.full_like(a, -semi[2] * np.cos(ti))], axis=1) for ti in t])
    return loft(ring)


def kidney_shape(length: float, breadth: float, thickness: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A kidney in its own axes: x breadth (+ lateral), y thickness, z length; the medial
    border hollowed at the middle into the hilum. Returns points, faces and the hilum point.
    """
    p, f = _ellipsoid(np.array([breadth / 2, thickness / 2, length / 2]))
    medial = np.clip(-p[:, 0] / (breadth / 2), 0.0, 1.0)
    mid = np.exp(-(p[:, 2] / (0.22 * length)) ** 2)
    p[:, 0] *= 1.0 - 0.35 * medial ** 2 * mid
    hilum = np.array([-(breadth / 2) * 0.65, 0.0, 0.0])
    return p, f, hilum


def kidney(side: str, data: dict, vlm: dict, midline_x: float, behind: list[tuple[np.ndarray, np.ndarray]]
           ) -> tuple[np.ndarray, np.ndarray, dict]:
    """One kidney placed by its sourced levels and lines, laid in front of the muscles it rests on."""
    k = data["kidneys"]
    sign = -1.0 if side == "right" else 1.0
    top = pleura.level_height(_Levels(vlm), k["upper_right"])
    bottom = pleura.level_height(_Levels(vlm), k["lower_right"])
    lift = k["left_higher"] if side == "left" else 0.0
    length = k["length"]
    b = k["breadth"] / 2
    # Tilt (upper pole medial) so the kidney's outline spans the parallelogram's width.
    half_width = (k["lateral_line"] - k["medial_line"]) / 2
    s2 = np.clip((half_width ** 2 - b ** 2) / ((length / 2) ** 2 - b ** 2), 0.0, 1.0)
    tilt = float(np.arcsin(np.sqrt(s2)))
    p, f, hilum = kidney_shape(k["length"], k["breadth"], k["thickness"])
    turn = np.radians(k["turned_back"])

    def place(q: np.ndarray, y0: float) -> np.ndarray:
        q = q.copy()
        # Turn about the long axis (transverse axis backward and lateralward), then tilt.
        x, y = q[:, 0] * np.cos(turn) - q[:, 1] * np.sin(turn), q[:, 0] * np.sin(turn) + q[:, 1] * np.cos(turn)
        q[:, 0], q[:, 1] = x, y
        x, z = q[:, 0] * np.cos(tilt) - q[:, 2] * np.sin(tilt), q[:, 0] * np.sin(tilt) + q[:, 2] * np.cos(tilt)
        q[:, 0], q[:, 2] = x, z
        lat = (k["medial_line"] + k["lateral_line"]) / 2
        return np.column_stack([midline_x + sign * (lat + q[:, 0]), y0 + q[:, 1], 0.5 * (top + bottom) + lift + q[:, 2]])

    # Lay it back until its posterior surface meets the muscles it rests on (plus clearance).
    y = min(float(np.min(m[0][:, 1])) for m in behind) - 0.05
    while True:
        q = place(p, y + 0.001)
        if _touches(q, behind, k["clearance"]) or y > 0.4:
            break
        y += 0.001
    q = place(p, y)
    h = place(hilum[None, :], y)[0]
    return q, f, {"hilum": h, "upper_pole": q[np.argmax(q[:, 2])], "lower_pole": q[np.argmin(q[:, 2])]}


def _touches(points: np.ndarray, meshes: list[tuple[np.ndarray, np.ndarray]], clearance: float) -> bool:
    """True if a posterior-facing sample of ``points`` lies within ``clearance`` of (or inside) a mesh."""
    back = points[points[:, 1] > np.percentile(points[:, 1], 80)]
    for mp, mf in meshes:
        lo, hi = mp.min(axis=0) - clearance, mp.max(axis=0) + clearance
        near = back[np.all((back >= lo) & (back <= hi), axis=1)]
        for q in near[:: max(1, len(near) // 40)]:
            if distance_to_mesh(mp, mf, q) < clearance or contains_point(mp, mf, q):
                return True
    return False


class _Levels:
    """Just enough of :class:`pleura.Chest` for :func:`pleura.level_height`."""

    def __init__(self, vlm: dict) -> None:
        self.vertebra_landmarks = vlm


# -- vertebral arteries -------------------------------------------------------------------------------

def _foramen(points: np.ndarray, sign: float, midline_x: float) -> np.ndarray:
    """Where the artery passes a cervical vertebra: in the transverse process, halfway between
    the side of the body and the tip of the process, at the process's middle front to back.
    """
    lat = sign * (points[:, 0] - midline_x)
    zmid = 0.5 * (points[:, 2].min() + points[:, 2].max())
    slab = points[np.abs(points[:, 2] - zmid) < 0.006]
    slat = sign * (slab[:, 0] - midline_x)
    # The body's side: the widest point within its front centimetre (the transverse processes'
    # anterior tubercles lie behind that).
    front = slab[slab[:, 1] < slab[:, 1].min() + 0.01]
    body = float((sign * (front[:, 0] - midline_x)).max()) if len(front) else float(np.percentile(slat, 60))
    tip = float(lat.max())
    f_lat = 0.5 * (body + tip)
    process = slab[slat > 0.5 * (body + f_lat)] if (slat > 0.5 * (body + f_lat)).any() else slab
    return np.array([midline_x + sign * f_lat, float(np.median(process[:, 1])), float(np.median(process[:, 2]))])


def vertebral_artery(side: str, data: dict, vertebrae: dict, rib1: np.ndarray, midline_x: float
                     ) -> tuple[np.ndarray, np.ndarray, dict]:
    """The artery: from the subclavian (over the first rib) up through the transverse foramina,
    behind the lateral mass of the atlas, over its posterior arch and into the foramen magnum.
    """
    va = data["vertebral_arteries"]
    sign = -1.0 if side == "right" else 1.0
    holes = {lv: _foramen(vertebrae[lv][0], sign, midline_x) for lv in va["foramina"]}
    c6 = holes["C6"]
    origin = np.array([c6[0], c6[1] - 0.004, float(rib1[:, 2].max()) + 0.004])
    atlas = vertebrae["C1"][0]
    c1 = holes["C1"]
    # The posterior arch at ``arch_lat``: the top of the atlas behind its lateral mass.
    lat = sign * (atlas[:, 0] - midline_x)
    arch = atlas[(np.abs(lat - va["arch_lat"]) < 0.004) & (atlas[:, 1] > np.median(atlas[:, 1]))]
    if not len(arch):
        raise ValueError(f"organs: no posterior arch of the atlas found {va['arch_lat']} m from the midline")
    on_arch = np.array([midline_x + sign * va["arch_lat"], float(arch[:, 1].mean()),
                        float(arch[:, 2].max()) + va["radius"]])
    behind_mass = np.array([c1[0], 0.5 * (c1[1] + on_arch[1]) + 0.004, on_arch[2] + 0.001])
    into_canal = np.array([midline_x + sign * 0.01, on_arch[1] - 0.012, on_arch[2] + 0.006])
    end = np.array([midline_x + sign * 0.006, on_arch[1] - 0.03, float(atlas[:, 2].max()) + va["ends_above_atlas"]])
    controls = np.vstack([origin] + [holes[lv] for lv in va["foramina"]] + [behind_mass, on_arch, into_canal, end])
    p, f = cable(controls, va["radius"])
    return p, f, {"enters_c6": c6, "on_atlas_arch": on_arch}


# -- the bake --------------------------------------------------------------------------------------------

def _outward(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """``faces`` wound outward (turned over if the enclosed volume comes out negative, as it
    does for a shape built in one side's axes and placed on the right, where x runs the other way).
    """
    a, b, c = (points[faces[:, k]] for k in range(3))
    volume = float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum()) / 6.0
    return faces[:, ::-1].copy() if volume < 0 else faces


def _write(out: Path, sid: str, points: np.ndarray, faces: np.ndarray) -> tuple[str, np.ndarray]:
    faces = _outward(points, faces)
    write_mesh(out / f"organs/{sid}.npz", points, faces)
    return f"organs/{sid}.npz", faces


def _entry(sid: str, name: str, kind: str, layer: str, side: str, region: str, file: str, faces: np.ndarray,
           source: str, landmarks: dict) -> dict:
    return {"id": sid, "name": name, "kind": kind, "layer": layer, "side": side, "region": region, "level": None,
            "muscle": None, "parts": [], "file": file, "triangles": int(len(faces)), "source": source,
            "licence": LICENCE,
            "landmarks": {k: [round(float(x), 5) for x in v] for k, v in landmarks.items()}}


def build_organs(out: Path, entries: list[dict], midline_x: float, data: dict | None = None) -> list[dict]:
    """Generate, write and describe the organs and vessels; return their manifest entries."""
    data = data or load_organs()
    refused = denied_sources(data, DATA.name)
    if refused:  # before anything is written
        raise ValueError("; ".join(refused))
    out = Path(out)
    for old in sorted((out / "organs").glob("*.npz")):
        old.unlink()
    result = []
    chest = chests(out, entries, midline_x, data)
    vlm = {e["level"]: e["landmarks"] for e in entries if e["kind"] == "vertebra"}
    cervical = {e["level"]: _read(out, entries, e["id"]) for e in entries
                if e["kind"] == "vertebra" and e["level"][0] == "C"}
    for side in SIDES:
        sacs = pleura_and_lung(chest[side], data)
        for key, name, src in (("pleura", "Parietal pleura", "pleura"), ("lung", "Lung", "lungs")):
            p, f, lm = sacs[key]
            notes = " ".join(v for part in (data[src], data["diaphragm"], data["heart"]) for k, v in part.items()
                             if k.endswith("_note"))
            sid = f"{key}_{side}"
            file, f = _write(out, sid, p, f)
            result.append(_entry(sid, f"{name} ({side})", "organ", "organs", side, "thorax", file, f,
                                 cite(data, data[src]["sources"] + data["heart"]["sources"], notes), lm))
        behind = [_read(out, entries, f"{m}_{side}") for m in data["kidneys"]["rests_on"]]
        p, f, lm = kidney(side, data, vlm, midline_x, behind)
        sid = f"kidney_{side}"
        notes = " ".join(v for k, v in data["kidneys"].items() if k.endswith("_note"))
        file, f = _write(out, sid, p, f)
        result.append(_entry(sid, f"Kidney ({side})", "organ", "organs", side, "abdomen", file, f,
                             cite(data, data["kidneys"]["sources"], notes), lm))
        p, f, lm = vertebral_artery(side, data, cervical, chest[side].ribs[0], midline_x)
        sid = f"vertebral_artery_{side}"
        notes = " ".join(v for k, v in data["vertebral_arteries"].items() if k.endswith("_note"))
        file, f = _write(out, sid, p, f)
        result.append(_entry(sid, f"Vertebral artery ({side})", "vessel", "vessels", side, "neck", file, f, cite(data, data["vertebral_arteries"]["sources"], notes), lm))
        p, f, lm = common_carotid(side, data, cervical, _read(out, entries, f"clavicle_{side}")[0], midline_x)
        sid = f"common_carotid_{side}"
        notes = " ".join(v for k, v in data["common_carotid"].items() if k.endswith("_note"))
        file, f = _write(out, sid, p, f)
        result.append(_entry(sid, f"Common carotid artery ({side})", "vessel", "vessels", side, "neck", file, f,
                             cite(data, data["common_carotid"]["sources"], notes), lm))
        result += limb_vessels(out, entries, side, data, chest[side], sacs["pleura"][:2], midline_x)
    spine = {e["level"]: _read(out, entries, e["id"]) for e in entries
             if e["kind"] == "vertebra" and e["level"] in cord.LEVELS}
    p, f, lm, narrowed = cord.spinal_cord(spine, vlm, data, midline_x)
    notes = " ".join(v for k, v in data["spinal_cord"].items() if k.endswith("_note"))
    if narrowed:
        notes += (" On this model the canal leaves less room than the sourced size at " + ", ".join(narrowed)
                  + " (transverse x anteroposterior): the cord is drawn thinner there.")
    file, f = _write(out, "spinal_cord", p, f)
    result.append(_entry("spinal_cord", "Spinal cord", "organ", "organs", "midline", "spine", file, f,
                         cite(data, data["spinal_cord"]["sources"], notes), lm))
    return result


# -- common carotid arteries ----------------------------------------------------------------------

def _sc_joint(clavicle: np.ndarray, midline_x: float) -> np.ndarray:
    """The back of the clavicle's sternal end (the sternoclavicular joint, seen from behind)."""
    lat = np.abs(clavicle[:, 0] - midline_x)
    end = clavicle[lat < lat.min() + 0.008]
    return np.array([float(np.median(end[:, 0])), float(end[:, 1].max()), float(np.median(end[:, 2]))])


def _anterior_tubercle(points: np.ndarray, sign: float, midline_x: float) -> np.ndarray:
    """The front of a cervical transverse process (its anterior tubercle), at the vertebra's middle
    height: the foremost point lateral to the side of the vertebral body.
    """
    zmid = 0.5 * (points[:, 2].min() + points[:, 2].max())
    slab = points[np.abs(points[:, 2] - zmid) < 0.006]
    lat = sign * (slab[:, 0] - midline_x)
    front = slab[slab[:, 1] < slab[:, 1].min() + 0.01]
    body = float((sign * (front[:, 0] - midline_x)).max()) if len(front) else float(np.percentile(lat, 60))
    process = slab[lat > body]
    if not len(process):
        raise ValueError("organs: no transverse process found beside the vertebral body")
    return process[np.argmin(process[:, 1])]


#: Heights within a vertebra a vessel can be said to end at (share of its height from below).
_HEIGHTS = {"inferior": 0.0, "middle": 0.5, "superior": 1.0}


def common_carotid(side: str, data: dict, vertebrae: dict, clavicle: np.ndarray, midline_x: float
                   ) -> tuple[np.ndarray, np.ndarray, dict]:
    """The artery: from behind the sternoclavicular joint up in front of the transverse processes
    (on the anterior tubercle of C6) to its bifurcation at the sourced level.
    """
    cc = data["common_carotid"]
    sign = -1.0 if side == "right" else 1.0
    r = cc["diameter"] / 2
    sc = _sc_joint(clavicle, midline_x)
    origin = sc + np.array([0.0, r + cc["behind_joint"], 0.0])
    on = {}
    for lv in cc["in_front_of"]:
        t = _anterior_tubercle(vertebrae[lv][0], sign, midline_x)
        on[lv] = t - np.array([0.0, r + cc["in_front_of_gap"], 0.0])
    top_lv, key = cc["bifurcation"].split()
    if top_lv not in on or key not in _HEIGHTS:
        raise ValueError(f"organs.json: common_carotid.bifurcation {cc['bifurcation']!r} must name one of "
                         f"{cc['in_front_of']} and one of {sorted(_HEIGHTS)}")
    below = [on[lv] for lv in sorted(on, key=lambda lv: -int(lv[1:])) if lv != top_lv]
    z = vertebrae[top_lv][0][:, 2]
    top = on[top_lv].copy()
    top[2] = float(z.min() + _HEIGHTS[key] * (z.max() - z.min()))
    controls = np.vstack([origin] + below + [top])
    p, f = cable(controls, r, sides=12, spacing=0.006, taper=0.04)
    return p, f, {"origin": origin, "in_front_of_c6": on.get("C6", below[0]), "bifurcation": top}


# -- the subclavian, brachial and popliteal arteries ----------------------------------------------

#: id, display name, data key, region of each.
LIMB_VESSELS = (("subclavian_artery", "Subclavian artery", "subclavian", "neck"),
                ("brachial_artery", "Brachial artery", "brachial_artery", "arm"),
                ("popliteal_artery", "Popliteal artery", "popliteal_artery", "knee"))


def limb_vessels(out: Path, entries: list[dict], side: str, data: dict, chest: pleura.Chest,
                 pleura_mesh: tuple[np.ndarray, np.ndarray], midline_x: float) -> list[dict]:
    """Write one side's subclavian, brachial and popliteal arteries; return their manifest entries."""
    def mesh(name: str) -> tuple[np.ndarray, np.ndarray]:
        return _read(out, entries, f"{name}_{side}")

    clavicle = _read(out, entries, f"clavicle_{side}")[0]
    built = {
        "subclavian": limb_arteries.subclavian(side, data, chest.ribs[0], mesh("scalenes")[0], _sc_joint(clavicle, midline_x),
                                               clavicle, pleura_mesh, midline_x),
        "brachial_artery": limb_arteries.brachial(side, data, mesh("humerus"), mesh("nerve_median"), mesh("teres_major")[0],
                                                 mesh("brachialis")),
        "popliteal_artery": limb_arteries.popliteal(side, data, mesh("femur"), mesh("tibia"), mesh("popliteus")),
    }
    result = []
    for base, name, key, region in LIMB_VESSELS:
        p, f, lm, *remark = built[key]
        sid = f"{base}_{side}"
        notes = " ".join([v for k, v in data[key].items() if k.endswith("_note")] + [m for m in remark if m])
        file, f = _write(out, sid, p, f)
        result.append(_entry(sid, f"{name} ({side})", "vessel", "vessels", side, region, file, f,
                             cite(data, data[key]["sources"], notes), lm))
    return result
