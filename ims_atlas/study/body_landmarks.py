"""Landmarks on the body, found on the anatomy's bones, for placing published skin points.

Each landmark is a point near a bone and the direction the skin it names faces (e.g. the
dorsum of the thumb's proximal phalanx: near the hand's most anterior bone, facing laterally
in the standing pose with the forearms mid-prone). :func:`snap_to_skin` moves it onto a skin
surface. The axes come from the manifest's ``frame`` (``anterior``, ``left``, ``up``), so the
landmarks follow any anatomy baked in the same manifest format. NumPy only.

Vertebral levels of surface landmarks: sternal angle at the T4/T5 disc, xiphisternal joint at
T9 (Ellis, Clinical Anatomy); umbilicus at the L3/L4 disc (Kenhub, regions of the abdomen).
The 2nd to 7th costal cartilages are taken as evenly spaced from the sternal angle (2nd) to
the xiphisternal joint (7th) to find the 3rd and 4th intercostal spaces (derived).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.anatomy.mesh_file import read_mesh

Vec = np.ndarray


def _axis(text: str, default: str) -> np.ndarray:
    t = (text or default).strip().upper()
    sign = -1.0 if t.startswith("-") else 1.0
    v = np.zeros(3)
    v["XYZ".index(t[-1])] = sign
    return v


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


@dataclass(frozen=True)
class Landmark:
    """A point near the bones and the outward direction of the skin it names."""

    point: tuple[float, float, float]
    direction: tuple[float, float, float]
    #: ``"first"``: the first skin the ray meets; ``"outermost"``: the last (the front of the
    #: trunk seen from a point deep inside it).
    mode: str = "first"


class BodyFrame:
    """The anatomy's bones with the body axes, and the landmark rules on them."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        frame = manifest.frame or {}
        self.A = _axis(frame.get("anterior", ""), "-Y")
        self.Lf = _axis(frame.get("left", ""), "+X")
        self.U = _axis(frame.get("up", ""), "+Z")
        self._cache: dict[str, np.ndarray] = {}

    # -- bones ------------------------------------------------------------------------------
    def bone(self, structure_id: str) -> np.ndarray:
        """The points of a structure's mesh; ``KeyError`` if the anatomy lacks it."""
        if structure_id not in self._cache:
            found = self._pieces(structure_id)
            if not found:
                raise KeyError(f"the anatomy has no {structure_id!r} (needed for a skin landmark)")
            self._cache[structure_id] = np.concatenate([read_mesh(self.manifest.file_path(s)).points for s in found])
        return self._cache[structure_id]

    def _pieces(self, structure_id: str) -> list:
        """The structure, or (for an anatomy that models it in pieces, e.g. one mesh per hand
        bone) every bone whose id starts with its name, or whose region is its region, on its side.
        """
        s = self.manifest.get(structure_id)
        if s is not None:
            return [s]
        base, _, side = structure_id.rpartition("_")
        if side not in ("left", "right"):
            base, side = structure_id, None
        region = {"hand_bones": "hand", "foot_bones": "foot"}.get(base)
        out = []
        for s in self.manifest.by_kind("bone", "vertebra"):
            if side is not None and s.side != side:
                continue
            if s.id.startswith(base) or (region is not None and s.region == region):
                out.append(s)
        return out

    def lateral(self, side: str) -> np.ndarray:
        """The unit vector towards the subject's ``side``."""
        return self.Lf if side == "left" else -self.Lf

    @staticmethod
    def extreme(pts: np.ndarray, d: np.ndarray) -> np.ndarray:
        """The point farthest along ``d``."""
        return pts[int(np.argmax(pts @ d))]

    def band(self, pts: np.ndarray, axis: np.ndarray, lo: float, hi: float) -> np.ndarray:
        """Points whose position along ``axis`` is between ``lo`` and ``hi`` (fractions of the range)."""
        t = pts @ axis
        a, b = t.min(), t.max()
        return pts[(t >= a + lo * (b - a)) & (t <= a + hi * (b - a))]

    @staticmethod
    def nearest(pts: np.ndarray, p: np.ndarray) -> np.ndarray:
        """The point of ``pts`` nearest ``p``."""
        return pts[int(np.argmin(np.linalg.norm(pts - p, axis=1)))]

    def vertebra(self, level: str, name: str) -> np.ndarray:
        """A vertebra's landmark (``"spinous_tip"``, ``"superior"``...) from the manifest."""
        v = self.manifest.vertebra(level)
        if v is None or name not in v.landmarks:
            raise KeyError(f"the anatomy has no landmark {name!r} on vertebra {level}")
        return np.asarray(v.landmarks[name], dtype=float)

    def height(self, p: np.ndarray) -> float:
        """The height of a point (along the body's up axis)."""
        return float(p @ self.U)

    @cached_property
    def midline(self) -> np.ndarray:
        """A point on the median plane (the manifest's mirror plane)."""
        return np.array([float(self.manifest.midline_x), 0.0, 0.0])

    # -- rules ------------------------------------------------------------------------------
    def clavicle_ends(self, side: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The clavicle's medial end, its middle and its lateral (acromial) end."""
        pts = self.bone(f"clavicle_{side}")
        lat = self.extreme(pts, self.lateral(side))
        med = self.extreme(pts, -self.lateral(side))
        return med, self.nearest(pts, (lat + med) / 2), lat

    def humerus_ends(self, side: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Lateral epicondyle, medial epicondyle and the head's medial side."""
        pts = self.bone(f"humerus_{side}")
        distal = self.band(pts, self.U, 0.0, 0.12)
        proximal = self.band(pts, self.U, 0.88, 1.0)
        return (self.extreme(distal, self.lateral(side)), self.extreme(distal, -self.lateral(side)),
                self.extreme(proximal, -self.lateral(side)))

    def hand_points(self, side: str) -> dict[str, np.ndarray]:
        """Thumb, middle- and little-finger tips and proximal phalanges (forearm mid-prone, fingers down)."""
        pts = self.bone(f"hand_bones_{side}")
        centre = pts.mean(axis=0)
        thumb_tip = self.extreme(pts, self.A)
        middle_tip = self.extreme(pts, -self.U)
        fingers = self.band(pts, self.U, 0.0, 0.35)
        little_tip = self.extreme(fingers, -self.A)
        return {
            "thumb_tip": thumb_tip,
            "thumb_pp": self.nearest(pts, thumb_tip + 0.03 * _unit(centre - thumb_tip)),
            "middle_tip": middle_tip,
            "middle_pp": self.nearest(pts, middle_tip + 0.06 * self.U),
            "little_tip": little_tip,
            "little_pp": self.nearest(pts, little_tip + 0.04 * self.U),
        }

    def sternal_heights(self) -> dict[str, float]:
        """Heights of the sternal angle, the xiphisternal joint, the umbilicus and the ICS lines."""
        sa = (self.height(self.vertebra("T4", "inferior")) + self.height(self.vertebra("T5", "superior"))) / 2
        xs = self.height(self.vertebra("T9", "centroid"))
        um = (self.height(self.vertebra("L3", "inferior")) + self.height(self.vertebra("L4", "superior"))) / 2
        ics = {k: sa + ((k - 2) + 0.5) / 5.0 * (xs - sa) for k in range(2, 7)}
        return {"sternal_angle": sa, "xiphisternum": xs, "umbilicus": um, "ics3": ics[3], "ics4": ics[4]}

    def inguinal_mid(self, side: str) -> np.ndarray:
        """Midway between the anterior superior iliac spine and the pubic tubercle."""
        pts = self.bone(f"hip_bone_{side}")
        asis = self.extreme(self.band(pts, self.U, 0.6, 1.0), self.A)
        near_mid = pts[np.abs((pts - self.midline) @ self.Lf) < 0.04]
        tubercle = self.extreme(near_mid if len(near_mid) else pts, self.A)
        return (asis + tubercle) / 2

    def knee(self, side: str) -> tuple[np.ndarray, np.ndarray]:
        """The medial femoral condyle and the back of the knee joint."""
        femur = self.bone(f"femur_{side}")
        tibia = self.bone(f"tibia_{side}")
        distal = self.band(femur, self.U, 0.0, 0.08)
        condyle = self.extreme(distal, -self.lateral(side))
        joint = (self.extreme(femur, -self.U) + self.extreme(tibia, self.U)) / 2
        return condyle, joint

    def foot_points(self, side: str) -> dict[str, np.ndarray]:
        """Medial malleolus, lateral heel, dorsum at the 3rd MTP joint, great toe, fifth toe."""
        foot = self.bone(f"foot_bones_{side}")
        tibia = self.bone(f"tibia_{side}")
        malleolus = self.extreme(self.band(tibia, self.U, 0.0, 0.06), -self.lateral(side))
        heel = self.band(foot, self.A, 0.0, 0.2)
        t = foot @ self.A
        at = t.min() + 0.72 * (t.max() - t.min())
        ray = foot[np.abs(t - at) < 0.012]
        mtp3 = np.median(ray, axis=0) if len(ray) else self.nearest(foot, foot.mean(axis=0))
        toes = self.band(foot, self.A, 0.8, 1.0)
        hallux = self.extreme(foot, self.A)
        return {
            "medial_malleolus": malleolus,
            "lateral_heel": self.extreme(heel, self.lateral(side)),
            "mtp3_dorsum": mtp3,
            "hallux_medial": hallux - 0.015 * self.A,
            "fifth_toe_lateral": self.extreme(toes, self.lateral(side)),
        }

    def ischial_tuberosity(self, side: str) -> np.ndarray:
        """The hip bone's lowest, most posterior point."""
        return self.extreme(self.bone(f"hip_bone_{side}"), _unit(-self.U - 0.6 * self.A))


def _front(bf: BodyFrame, side: str, height: float) -> Landmark:
    """On the midclavicular line at a height, facing forward."""
    _, mid, _ = bf.clavicle_ends(side)
    p = mid + (height - bf.height(mid)) * bf.U - 0.3 * bf.A  # well behind the front of the trunk
    return Landmark(tuple(float(x) for x in p), tuple(float(x) for x in bf.A), "outermost")


def landmark_rules() -> dict[str, Callable[[BodyFrame, str], Landmark]]:
    """Every named landmark: ``name -> rule(body, side)``."""
    def lm(p, d) -> Landmark:
        return Landmark(tuple(float(x) for x in p), tuple(float(x) for x in _unit(np.asarray(d, dtype=float))))

    def occipital(bf, side):
        occ = bf.extreme(bf.bone("skull"), -bf.A)
        return lm(occ + 0.02 * bf.lateral(side) - 0.01 * bf.U, -bf.A)

    def supraclavicular(bf, side):
        _, mid, _ = bf.clavicle_ends(side)
        return lm(mid + 0.02 * bf.U, bf.U + 0.5 * bf.A)

    def ac_joint(bf, side):
        return lm(bf.clavicle_ends(side)[2], bf.U)

    def elbow_lateral(bf, side):
        return lm(bf.humerus_ends(side)[0] + 0.02 * bf.U, bf.A + 0.4 * bf.lateral(side))

    def elbow_medial(bf, side):
        # The ray starts 1 cm inside the arm (lateral of the epicondyle's medial edge), so it
        # meets the arm's own skin first, never the flank a hanging elbow lies beside.
        return lm(bf.humerus_ends(side)[1] + 0.015 * bf.U + 0.01 * bf.lateral(side), bf.A - 0.4 * bf.lateral(side))

    def axilla(bf, side):
        return lm(bf.humerus_ends(side)[2] - 0.05 * bf.U, -bf.lateral(side))

    def hand(name):
        return lambda bf, side: lm(bf.hand_points(side)[name], bf.lateral(side))

    def mcl(key=None, frac=None, a=None, b=None):
        def rule(bf, side):
            h = bf.sternal_heights()
            if key is not None:
                height = h[key]
            else:
                ha, hb = a(bf, side, h), b(bf, side, h)
                height = ha + frac * (hb - ha)
            return _front(bf, side, height)
        return rule

    def t12_height(bf, side, h):
        return bf.height(bf.inguinal_mid(side))

    def xs(bf, side, h):
        return h["xiphisternum"]

    def um(bf, side, h):
        return h["umbilicus"]

    def i4(bf, side, h):
        return h["ics4"]

    def inguinal(bf, side):
        return lm(bf.inguinal_mid(side), bf.A)

    def l1(bf, side):
        a = bf.inguinal_mid(side)
        b = (a + bf.knee(side)[0]) / 2
        return lm((a + b) / 2, bf.A - 0.3 * bf.lateral(side))

    def l2(bf, side):
        return lm((bf.inguinal_mid(side) + bf.knee(side)[0]) / 2, bf.A - 0.5 * bf.lateral(side))

    def l3(bf, side):
        return lm(bf.knee(side)[0] + 0.01 * bf.U, -bf.lateral(side) + 0.5 * bf.A)

    def foot(name, d):
        return lambda bf, side: lm(bf.foot_points(side)[name], d(bf, side))

    def ulnar_wrist(bf, side):
        ulna = bf.bone(f"ulna_{side}")
        return lm(bf.extreme(bf.band(ulna, bf.U, 0.0, 0.1), -bf.A - 0.5 * bf.lateral(side)), -bf.A)

    def radial_wrist(bf, side):
        radius = bf.bone(f"radius_{side}")
        return lm(bf.extreme(bf.band(radius, bf.U, 0.0, 0.1), bf.A + 0.5 * bf.lateral(side)), bf.A)

    def popliteal(bf, side):
        return lm(bf.knee(side)[1], -bf.A)

    def ischial(bf, side):
        return lm(bf.ischial_tuberosity(side), -bf.U - bf.A)

    def beside_spine(level):
        def rule(bf, side):
            if level == "S1" or level == "S2":
                sac = bf.bone("sacrum")
                part = bf.band(sac, bf.U, 0.55, 0.85) if level == "S1" else bf.band(sac, bf.U, 0.25, 0.55)
                p = bf.extreme(part, -bf.A)
            elif level == "C8":
                p = (bf.vertebra("C7", "spinous_tip") + bf.vertebra("T1", "spinous_tip")) / 2
            else:
                p = bf.vertebra(level, "spinous_tip")
            # 3 cm from the midline (a spinous tip may lie a few millimetres off it, which put
            # the two sides' points up to 8 mm apart from mirror images).
            p = p - ((p - bf.midline) @ bf.Lf) * bf.Lf
            return lm(p + 0.03 * bf.lateral(side), -bf.A)
        return rule

    rules: dict[str, Callable[[BodyFrame, str], Landmark]] = {
        "occipital_protuberance_lateral": occipital,
        "supraclavicular_fossa_mcl": supraclavicular,
        "acromioclavicular_joint": ac_joint,
        "antecubital_fossa_lateral": elbow_lateral,
        "antecubital_fossa_medial": elbow_medial,
        "axilla_apex": axilla,
        "thumb_proximal_phalanx_dorsum": hand("thumb_pp"),
        "middle_finger_proximal_phalanx_dorsum": hand("middle_pp"),
        "little_finger_proximal_phalanx_dorsum": hand("little_pp"),
        "thumb_tip": hand("thumb_tip"),
        "middle_finger_tip": hand("middle_tip"),
        "little_finger_tip": hand("little_tip"),
        "mcl_ics3": mcl("ics3"),
        "mcl_ics4_nipple": mcl("ics4"),
        "mcl_t5": mcl(frac=0.5, a=i4, b=xs),
        "mcl_xiphisternum": mcl("xiphisternum"),
        "mcl_t7": mcl(frac=0.25, a=xs, b=um),
        "mcl_t8": mcl(frac=0.5, a=xs, b=um),
        "mcl_t9": mcl(frac=0.75, a=xs, b=um),
        "mcl_umbilicus": mcl("umbilicus"),
        "mcl_t11": mcl(frac=0.5, a=um, b=t12_height),
        "inguinal_ligament_midpoint": inguinal,
        "l1_point": l1,
        "anterior_thigh_mid": l2,
        "medial_femoral_condyle": l3,
        "medial_malleolus": foot("medial_malleolus", lambda bf, s: -bf.lateral(s)),
        "foot_dorsum_mtp3": foot("mtp3_dorsum", lambda bf, s: bf.U),
        "lateral_heel": foot("lateral_heel", lambda bf, s: bf.lateral(s)),
        "great_toe_medial": foot("hallux_medial", lambda bf, s: -bf.lateral(s)),
        "fifth_toe_lateral": foot("fifth_toe_lateral", lambda bf, s: bf.lateral(s)),
        "ulnar_border_wrist": ulnar_wrist,
        "radial_border_wrist": radial_wrist,
        "popliteal_fossa_midline": popliteal,
        "ischial_tuberosity": ischial,
    }
    for level in ("C3", "C4", "C5", "C6", "C7", "C8", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9",
                  "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2"):
        rules[f"beside_spine_{level}"] = beside_spine(level)
    return rules


def find_landmark(bf: BodyFrame, name: str, side: str) -> Landmark:
    """The landmark ``name`` on ``side``; ``KeyError`` naming what is missing."""
    from ims_atlas.study.region_landmarks import region_rules

    rules = {**landmark_rules(), **region_rules()}
    if name not in rules:
        raise KeyError(f"no landmark rule {name!r}")
    return rules[name](bf, side)


#: How deep (metres) the skin a ray meets counts as one surface when snapping to it: more than
#: the tube's width (a skin slanted at 45 degrees), less than a limb's thickness.
SURFACE_LAYER = 0.02


def snap_to_skin(skin_points: np.ndarray, landmark: Landmark, width: float = 0.015, reach: float | None = None) -> int:
    """The index of the skin vertex the landmark names: where a ray from the landmark's point
    along its direction first meets the skin (vertices within ``width`` of the ray, up to
    ``reach``); if the ray meets none, the nearest vertex on the side the landmark faces.
    """
    p = np.asarray(landmark.point)
    d = np.asarray(landmark.direction)
    reach = reach if reach is not None else (0.2 if landmark.mode == "first" else 0.6)
    rel = skin_points - p
    t = rel @ d
    perp = np.linalg.norm(rel - t[:, None] * d, axis=1)
    hit = np.flatnonzero((t > -0.005) & (t < reach) & (perp < width))
    if len(hit):
        # The skin the ray crosses first (or last): the hits within SURFACE_LAYER of that
        # depth. Of those, the vertex nearest the ray itself: taking merely the first hit in
        # the tube put the point up to the tube's width off the ray where the skin is
        # slanted, differently on the two sides of a mirror-symmetric body.
        edge = t[hit].max() if landmark.mode == "outermost" else t[hit].min()
        layer = hit[np.abs(t[hit] - edge) <= SURFACE_LAYER]
        return int(layer[int(np.argmin(perp[layer]))])
    dist = np.linalg.norm(rel, axis=1)
    near = np.flatnonzero(dist < 0.05)
    if not len(near):
        return int(np.argmin(dist))
    score = t[near] - 0.5 * dist[near]
    return int(near[int(np.argmax(score))])
