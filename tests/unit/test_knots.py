"""Knots left inside an inset (export.knots): pure; muscles that lie and are named together
share one label, nothing else is merged, nothing is dropped."""

from __future__ import annotations

from ims_atlas.export.annotations import Target
from ims_atlas.export.knots import LIE_TOGETHER_M, merged, name_words, untie
from ims_atlas.scene.crowds import find_crowd

# L5's hip seen from behind (x right, z up; model metres): the points of gluteus maximus and
# the two gemelli, 1.3-1.7 cm apart across the view.
HIP = {"local:gluteus_maximus:right": (-0.106, 0.224, 0.912),
       "local:gemellus_superior:right": (-0.119, 0.192, 0.916),
       "local:gemellus_inferior:right": (-0.123, 0.193, 0.900)}


def _targets(points) -> tuple[Target, ...]:
    return tuple(Target(k, "local", k.split(":")[1].replace("_", " ").capitalize(), "", p, (k.split(":")[1],))
                 for k, p in points.items())


def _screen(scale: float):
    """From behind: x and z to pixels, ``scale`` pixels a metre."""
    def project(points):
        return {k: (p[0] * scale, -p[2] * scale) for k, p in points.items()}
    return project


def _muscles(t: Target) -> tuple[str, ...]:
    return t.structures


def test_the_gemelli_share_one_label_beside_gluteus_maximus():
    out = untie(_targets(HIP), HIP, _screen(2000.0), 48.0, _muscles)
    keys = [t.key for t in out]
    assert keys == ["local:gluteus_maximus:right", "local:gemellus_superior:right+local:gemellus_inferior:right"]
    both = out[1]
    assert both.title == "Gemellus superior / Gemellus inferior"
    assert set(both.structures) == {"gemellus_superior", "gemellus_inferior"}
    # Its leader ends between the two.
    assert abs(both.position[2] - 0.908) < 1e-9
    # Before, the three leaders met in the square; now no three do.
    assert len(find_crowd(_screen(2000.0)(HIP), 48.0, 3, near=0.0)) == 3
    assert find_crowd(_screen(2000.0)({t.key: t.position for t in out}), 48.0, 3, near=0.0) == ()


def test_a_side_all_the_names_end_with_is_said_once():
    both = merged([Target("a", "local", "Gemellus superior, left", "", None),
                   Target("b", "local", "Gemellus inferior, left", "", None)], (0.0, 0.0, 0.0))
    assert both.title == "Gemellus superior / Gemellus inferior, left"
    mixed = merged([Target("a", "local", "Gemellus superior, left", "", None),
                    Target("b", "local", "Gemellus inferior", "", None)], (0.0, 0.0, 0.0))
    assert mixed.title == "Gemellus superior, left / Gemellus inferior"


def test_apart_enough_on_screen_nothing_is_merged():
    targets = _targets(HIP)
    assert untie(targets, HIP, _screen(5000.0), 48.0, _muscles) == targets


def test_muscles_named_apart_or_lying_apart_keep_their_own_labels():
    # Three different muscles in a knot: nothing shares a name, all kept.
    points = {"local:gluteus_maximus:right": (0.0, 0.0, 0.0), "local:piriformis:right": (0.005, 0.0, 0.0),
              "local:quadratus_femoris:right": (0.0, 0.0, 0.005)}
    targets = _targets(points)
    assert untie(targets, points, _screen(2000.0), 48.0, _muscles) == targets
    # Named together but far apart in depth (one knot on screen only): not merged.
    deep = {"local:obturator_internus:right": (0.0, 0.0, 0.0), "local:obturator_externus:right": (0.0, 0.05, 0.0),
            "local:piriformis:right": (0.005, 0.0, 0.0)}
    assert 0.05 > LIE_TOGETHER_M
    targets = _targets(deep)
    assert untie(targets, deep, _screen(2000.0), 48.0, _muscles) == targets


def test_a_name_shares_only_its_distinctive_words():
    assert name_words(["gemellus_superior"]) == {"gemellus"}
    assert name_words(["abductor_pollicis_brevis"]) & name_words(["opponens_pollicis"]) == {"pollicis"}
    assert not name_words(["flexor_hallucis_brevis"]) & name_words(["flexor_digitorum_brevis"])
    assert not name_words(["gluteus_maximus"]) & name_words(["gemellus_superior"])
