"""More skin landmarks, for referred-pain zones: regions named by trigger-point sources
(the back of the hand, the front of the shoulder, the temple, the heel...), found on the bones
the same way as :mod:`ims_atlas.study.body_landmarks` (NumPy only).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ims_atlas.study.body_landmarks import BodyFrame, Landmark


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


def _lm(p, d) -> Landmark:
    return Landmark(tuple(float(x) for x in p), tuple(float(x) for x in _unit(d)))


def _at_height(pts: np.ndarray, bf: BodyFrame, height: float, half: float) -> np.ndarray:
    """The points within ``half`` metres of ``height`` (along the body's up axis)."""
    return pts[np.abs(pts @ bf.U - height) <= half]


def region_rules() -> dict[str, Callable[[BodyFrame, str], Landmark]]:
    """``name -> rule(body, side)`` for the regions referred-pain zones are drawn around."""
    def bone(bf, name, side):
        return bf.bone(f"{name}_{side}")

    def skull_band(bf, lo, hi):
        return bf.band(bf.bone("skull"), bf.U, lo, hi)

    rules: dict[str, Callable[[BodyFrame, str], Landmark]] = {}
    # head and face
    rules["vertex"] = lambda bf, s: _lm(bf.extreme(bf.bone("skull"), bf.U) + 0.03 * bf.lateral(s), bf.U)
    rules["temple"] = lambda bf, s: _lm(bf.extreme(skull_band(bf, 0.55, 0.75), bf.lateral(s)), bf.lateral(s))
    rules["forehead"] = lambda bf, s: _lm(bf.extreme(skull_band(bf, 0.6, 0.8), bf.A) + 0.03 * bf.lateral(s), bf.A)
    rules["cheek"] = lambda bf, s: _lm(bf.extreme(skull_band(bf, 0.3, 0.5), bf.A + bf.lateral(s)),
                                       bf.A + bf.lateral(s))
    rules["occiput"] = lambda bf, s: _lm(bf.extreme(bf.bone("skull"), -bf.A) + 0.02 * bf.lateral(s), -bf.A)
    # The side of the head behind and above the ear: the skull's farthest point outward-and-back
    # in the band at the level of the temple, where the occipital and temporal bones meet.
    rules["side_of_head"] = lambda bf, s: _lm(bf.extreme(skull_band(bf, 0.45, 0.65), bf.lateral(s) - 0.6 * bf.A),
                                              bf.lateral(s) - 0.6 * bf.A)
    rules["mastoid"] = lambda bf, s: _lm(bf.extreme(skull_band(bf, 0.1, 0.35), bf.lateral(s) - bf.A),
                                         bf.lateral(s) - 0.5 * bf.A)
    rules["jaw_joint"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bf.bone("mandible")[(bf.bone("mandible") - bf.midline) @ bf.lateral(s) > 0], bf.U, 0.8, 1.0),
                   -bf.A), bf.lateral(s))
    rules["jaw_angle"] = lambda bf, s: _lm(
        bf.extreme(bf.bone("mandible")[(bf.bone("mandible") - bf.midline) @ bf.lateral(s) > 0], -bf.U - bf.A),
        bf.lateral(s))
    # neck and shoulder girdle
    rules["side_of_neck"] = lambda bf, s: _lm(bf.vertebra("C3", "spinous_tip") + 0.04 * bf.lateral(s),
                                              -bf.A + bf.lateral(s))
    rules["angle_of_neck"] = lambda bf, s: _lm(
        (bf.vertebra("C7", "spinous_tip") + 0.03 * bf.lateral(s) + bf.clavicle_ends(s)[2]) / 2, bf.U)
    rules["scapula_medial_border"] = lambda bf, s: _lm(bf.extreme(bone(bf, "scapula", s), -bf.lateral(s)), -bf.A)
    # arm and hand (standing, forearms mid-prone: the back of the forearm and hand face outwards)
    rules["front_of_shoulder"] = lambda bf, s: _lm(bf.extreme(bf.band(bone(bf, "humerus", s), bf.U, 0.85, 1.0), bf.A),
                                                   bf.A)
    rules["back_of_shoulder"] = lambda bf, s: _lm(bf.extreme(bf.band(bone(bf, "humerus", s), bf.U, 0.85, 1.0), -bf.A),
                                                  -bf.A)
    rules["middle_deltoid"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "humerus", s), bf.U, 0.75, 0.9), bf.lateral(s)), bf.lateral(s))
    rules["outer_arm"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "humerus", s), bf.U, 0.4, 0.6), bf.lateral(s)), bf.lateral(s))
    rules["front_outer_arm"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "humerus", s), bf.U, 0.4, 0.6), bf.A + bf.lateral(s)), bf.A + bf.lateral(s))
    rules["lateral_epicondyle"] = lambda bf, s: _lm(bf.humerus_ends(s)[0], bf.lateral(s))
    rules["elbow_crease"] = lambda bf, s: _lm((bf.humerus_ends(s)[0] + bf.humerus_ends(s)[1]) / 2 + 0.015 * bf.U, bf.A)
    rules["back_of_forearm"] = lambda bf, s: _lm(
        (bf.band(bone(bf, "radius", s), bf.U, 0.4, 0.6).mean(axis=0)
         + bf.band(bone(bf, "ulna", s), bf.U, 0.4, 0.6).mean(axis=0)) / 2, bf.lateral(s))
    rules["thumb_side_of_forearm"] = lambda bf, s: _lm(
        bf.band(bone(bf, "radius", s), bf.U, 0.4, 0.6).mean(axis=0), bf.A)
    rules["posterior_deltoid"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "humerus", s), bf.U, 0.75, 0.9), -bf.A + 0.5 * bf.lateral(s)),
        -bf.A + 0.5 * bf.lateral(s))
    rules["back_of_arm"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "humerus", s), bf.U, 0.4, 0.6), -bf.A), -bf.A)
    # The olecranon: the top of the ulna, its most posterior point.
    rules["back_of_elbow"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "ulna", s), bf.U, 0.9, 1.0), -bf.A), -bf.A)
    rules["medial_epicondyle"] = lambda bf, s: _lm(bf.humerus_ends(s)[1], -bf.lateral(s))
    rules["scapula_inferior_angle"] = lambda bf, s: _lm(bf.extreme(bone(bf, "scapula", s), -bf.U), -bf.A)
    rules["inner_arm"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "humerus", s), bf.U, 0.3, 0.6), -bf.lateral(s)), -bf.lateral(s))
    rules["scapula_body"] = lambda bf, s: _lm(bone(bf, "scapula", s).mean(axis=0), -bf.A)
    # The front-outer (anterolateral) chest at the level of the 4th intercostal space: the rib
    # cage's point farthest forward-and-outward there (facing that way, clear of the hanging arm).
    def side_of_chest(bf, s):
        ring = _at_height(bf.bone("ribcage"), bf, bf.sternal_heights()["ics4"], 0.02)
        d = bf.A + bf.lateral(s)
        return _lm(bf.extreme(ring[(ring - bf.midline) @ bf.lateral(s) > 0], d), d)

    rules["side_of_chest"] = side_of_chest
    # The ulnar (little-finger) side of the forearm faces backwards with the forearm mid-prone.
    rules["ulnar_side_of_forearm"] = lambda bf, s: _lm(
        bf.band(bone(bf, "ulna", s), bf.U, 0.4, 0.6).mean(axis=0), -bf.A)
    rules["back_of_wrist"] = lambda bf, s: _lm(
        (bf.band(bone(bf, "radius", s), bf.U, 0.0, 0.1).mean(axis=0)
         + bf.band(bone(bf, "ulna", s), bf.U, 0.0, 0.1).mean(axis=0)) / 2, bf.lateral(s))
    rules["front_of_wrist"] = lambda bf, s: _lm(
        (bf.band(bone(bf, "radius", s), bf.U, 0.0, 0.1).mean(axis=0)
         + bf.band(bone(bf, "ulna", s), bf.U, 0.0, 0.1).mean(axis=0)) / 2, -bf.lateral(s))
    # The thenar eminence: between the thumb's proximal phalanx and the middle of the hand,
    # on the palm side (the palm faces the thigh with the forearm mid-prone).
    rules["thenar"] = lambda bf, s: _lm(
        (bf.hand_points(s)["thumb_pp"] + bf.bone(f"hand_bones_{s}").mean(axis=0)) / 2,
        -bf.lateral(s) + bf.A)
    rules["back_of_hand"] = lambda bf, s: _lm(
        bf.band(bf.bone(f"hand_bones_{s}"), bf.U, 0.55, 0.8).mean(axis=0), bf.lateral(s))
    # pelvis and lower limb
    rules["sacroiliac_region"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bf.bone("sacrum"), bf.U, 0.6, 0.9), -bf.A) + 0.04 * bf.lateral(s), -bf.A)
    # The middle of the buttock: halfway from the lower sacrum to the greater trochanter, behind.
    rules["buttock"] = lambda bf, s: _lm(
        (bf.extreme(bf.band(bf.bone("sacrum"), bf.U, 0.3, 0.6), -bf.A)
         + bf.extreme(bf.band(bone(bf, "femur", s), bf.U, 0.85, 1.0), bf.lateral(s))) / 2, -bf.A)
    rules["back_of_hip"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "femur", s), bf.U, 0.85, 1.0), -bf.A + bf.lateral(s)),
        -bf.A + 0.5 * bf.lateral(s))
    rules["iliac_crest"] = lambda bf, s: _lm(bf.extreme(bone(bf, "hip_bone", s), bf.U), bf.U - bf.A)
    rules["greater_trochanter"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "femur", s), bf.U, 0.85, 1.0), bf.lateral(s)), bf.lateral(s))
    rules["outer_thigh"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "femur", s), bf.U, 0.4, 0.6), bf.lateral(s)), bf.lateral(s))
    rules["inner_thigh"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "femur", s), bf.U, 0.4, 0.6), -bf.lateral(s)), -bf.lateral(s))
    rules["back_of_thigh"] = lambda bf, s: _lm(
        bf.band(bone(bf, "femur", s), bf.U, 0.4, 0.6).mean(axis=0), -bf.A)
    rules["outer_knee"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "femur", s), bf.U, 0.0, 0.08), bf.lateral(s)), bf.lateral(s))
    rules["inner_knee"] = lambda bf, s: _lm(bf.knee(s)[0], -bf.lateral(s))
    rules["kneecap"] = lambda bf, s: _lm(bone(bf, "patella", s).mean(axis=0), bf.A)
    rules["outer_leg"] = lambda bf, s: _lm(bf.band(bone(bf, "fibula", s), bf.U, 0.4, 0.6).mean(axis=0), bf.lateral(s))
    rules["inner_leg"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "tibia", s), bf.U, 0.4, 0.6), -bf.lateral(s) + 0.5 * bf.A),
        -bf.lateral(s) + 0.5 * bf.A)
    rules["upper_back_of_thigh"] = lambda bf, s: _lm(
        bf.band(bone(bf, "femur", s), bf.U, 0.7, 0.85).mean(axis=0), -bf.A)
    rules["lateral_calf"] = lambda bf, s: _lm(
        bf.band(bone(bf, "fibula", s), bf.U, 0.7, 0.85).mean(axis=0), -bf.A + bf.lateral(s))
    # The shin: the tibia's subcutaneous front-inner face.
    rules["front_of_shin"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "tibia", s), bf.U, 0.35, 0.65), bf.A - 0.4 * bf.lateral(s)),
        bf.A - 0.4 * bf.lateral(s))
    rules["front_of_ankle"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "tibia", s), bf.U, 0.0, 0.06), bf.A), bf.A)
    # From between the tibia and the fibula (the tibia's inner face lies just under the skin).
    rules["calf"] = lambda bf, s: _lm(
        (bf.band(bone(bf, "tibia", s), bf.U, 0.55, 0.75).mean(axis=0)
         + bf.band(bone(bf, "fibula", s), bf.U, 0.55, 0.75).mean(axis=0)) / 2, -bf.A)
    # The lateral malleolus: the lower end of the fibula, its outermost point.
    rules["lateral_malleolus"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "fibula", s), bf.U, 0.0, 0.06), bf.lateral(s)), bf.lateral(s))
    rules["achilles_above_heel"] = lambda bf, s: _lm(
        bf.extreme(bf.band(bone(bf, "tibia", s), bf.U, 0.0, 0.08), -bf.A) - 0.01 * bf.U, -bf.A)

    def foot(lo, hi, d):
        return lambda bf, s: _lm(bf.extreme(bf.band(bf.bone(f"foot_bones_{s}"), bf.A, lo, hi), d(bf, s)), d(bf, s))

    rules["back_of_heel"] = foot(0.0, 0.15, lambda bf, s: -bf.A)
    rules["bottom_of_heel"] = foot(0.0, 0.2, lambda bf, s: -bf.U)
    rules["inner_heel"] = foot(0.0, 0.2, lambda bf, s: -bf.lateral(s))
    rules["middle_of_sole"] = foot(0.4, 0.6, lambda bf, s: -bf.U)
    rules["ball_of_foot"] = foot(0.7, 0.85, lambda bf, s: -bf.U)
    # The outer border of the foot, midway along it (the cuboid and the 5th metatarsal's base).
    rules["outer_border_of_foot"] = foot(0.35, 0.6, lambda bf, s: bf.lateral(s))
    rules["top_of_foot"] = foot(0.55, 0.75, lambda bf, s: bf.U)
    rules["big_toe"] = foot(0.9, 1.0, lambda bf, s: bf.U)
    return rules
