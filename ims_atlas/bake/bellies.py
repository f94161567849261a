"""Sourced belly ranges for the long forearm and leg muscles (``muscle_bellies.json``).

A myo-sim muscle path runs from the origin to the insertion, so for a muscle whose long tendon
crosses the wrist or ankle the fleshy belly is only its first part. The reviewed table says,
muscle by muscle and with sources, at which level of the forearm or leg the belly ends; this
module turns that level into a range of the muscle's own path (fractions of its length from
the origin), using the model's joint centres at the default pose.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ims_atlas.catalog.source_rules import denied, denied_message

TABLE = Path(__file__).with_name("muscle_bellies.json")

#: myo-sim joints whose anchors bound a segment: segment -> (proximal joint, distal joint),
#: each completed with the side suffix ``_r`` or ``_l``.
SEGMENT_JOINTS = {"forearm": ("elbow_flexion", "flexion"), "leg": ("knee_angle", "ankle_angle")}

#: Shortest belly kept, as a share of the path: a sourced level that the path reaches almost at
#: once (a deep muscle arising near that level) leaves the muscle on the default spindle.
MIN_BELLY = 0.15


@dataclass(frozen=True)
class Segment:
    """A limb segment between two joint centres (world coordinates, metres)."""

    proximal: np.ndarray
    distal: np.ndarray

    @property
    def length(self) -> float:
        """The distance between the two joint centres (metres)."""
        return float(np.linalg.norm(self.distal - self.proximal))

    def level(self, points: np.ndarray) -> np.ndarray:
        """Share of the segment (0 at the proximal joint, 1 at the distal) at which points lie."""
        axis = self.distal - self.proximal
        return (np.asarray(points, dtype=np.float64) - self.proximal) @ axis / float(axis @ axis)


@lru_cache(maxsize=1)
def load_table() -> dict:
    """The reviewed table (``muscle_bellies.json``)."""
    return json.loads(TABLE.read_text(encoding="utf-8"))


def denied_sources(table: dict) -> list[str]:
    """A message for every source of the belly table whose ``url`` is on the source deny list
    (``ims_atlas/catalog/source_denylist.json``, the list the catalog validator uses), naming
    the file, the muscle and the source's place in its list.
    """
    return denied_muscle_sources(table, TABLE.name)


def denied_muscle_sources(table: dict, name: str) -> list[str]:
    """A message for every ``muscles.<id>.sources[i].url`` of a reviewed muscle table (file
    ``name``) on the source deny list: the belly table's and the bone-bed table's (bake.beds).
    """
    problems = []
    muscles = table.get("muscles")
    for mid, entry in (muscles.items() if isinstance(muscles, dict) else ()):
        sources = entry.get("sources") if isinstance(entry, dict) else None
        for i, source in enumerate(sources if isinstance(sources, list) else ()):
            url = source.get("url") if isinstance(source, dict) else None
            hit = denied(url) if isinstance(url, str) else None
            if hit is not None:
                problems.append(denied_message(f"{name}: muscles.{mid}.sources[{i}]", url, hit))
    return problems


def segments(model, data) -> dict[tuple[str, str], Segment]:
    """Forearm and leg segments of both sides at the model's current pose: (segment, side) -> Segment."""
    import mujoco

    out = {}
    for name, (prox, dist) in SEGMENT_JOINTS.items():
        for side, suffix in (("right", "_r"), ("left", "_l")):
            anchors = []
            for joint in (prox + suffix, dist + suffix):
                jid = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_JOINT, joint)
                if jid < 0:
                    break
                anchors.append(np.array(data.xanchor[jid], dtype=np.float64))
            if len(anchors) == 2:
                out[(name, side)] = Segment(*anchors)
    return out


def end_level(entry: dict, segment: Segment) -> float:
    """The table's belly end as a share of the segment from its proximal joint."""
    end = entry["end"]
    if "fraction" in end:
        return float(end["fraction"])
    return 1.0 - float(end["mm_above_distal"]) / 1000.0 / segment.length


def arc_fractions(path: np.ndarray) -> np.ndarray:
    """Arc length of each path point as a share of the whole path."""
    seg = np.linalg.norm(np.diff(np.asarray(path, dtype=np.float64), axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    return s / s[-1]


def range_on_path(path: np.ndarray, level: float, segment: Segment) -> tuple[float, float] | None:
    """Belly range ``(0, end)`` on ``path`` (fractions of its length) for a belly ending at ``level``.

    The end is where the path, followed from the origin, first reaches that level of the segment
    (linear between path points). None when the range would be shorter than ``MIN_BELLY``.
    """
    path = np.asarray(path, dtype=np.float64)
    # Dense samples so the crossing is found between the path's (sparse) via points.
    t = arc_fractions(path)
    fine = np.linspace(0.0, 1.0, 401)
    pts = np.stack([np.interp(fine, t, path[:, k]) for k in range(3)], axis=1)
    lev = segment.level(pts)
    above = np.flatnonzero(lev >= level)
    if len(above) == 0:
        end = 1.0
    elif above[0] == 0:
        end = 0.0
    else:
        i = above[0]
        w = (level - lev[i - 1]) / max(lev[i] - lev[i - 1], 1e-12)
        end = float(fine[i - 1] + w * (fine[i] - fine[i - 1]))
    if end < MIN_BELLY:
        return None
    return 0.0, float(end)


def belly_range(muscle: str, side: str, path: np.ndarray, segs: dict[tuple[str, str], Segment]) -> tuple[float, float] | None:
    """The sourced belly range of one fascicle of ``muscle`` on ``side``, or None (default spindle)."""
    entry = load_table()["muscles"].get(muscle)
    if entry is None:
        return None
    if "tendon_mm" in entry["end"]:
        length = float(np.linalg.norm(np.diff(np.asarray(path, dtype=np.float64), axis=0), axis=1).sum())
        end = 1.0 - float(entry["end"]["tendon_mm"]) / 1000.0 / length
        return (0.0, end) if end >= MIN_BELLY else None
    segment = segs.get((entry["segment"], side))
    if segment is None:
        return None
    return range_on_path(path, end_level(entry, segment), segment)
