"""The shin's front muscles are never named from behind or from below (issue 16).

Gray's Anatomy 1918 (p. 480) divides the leg's muscles into an anterior, a posterior and a
lateral group, the anterior crural muscles being tibialis anterior, extensor digitorum longus,
extensor hallucis longus and peronaeus tertius; extensor digitorum brevis (with its medial
part, extensor hallucis brevis) is the dorsal muscle of the foot (p. 490). S1 on both sides
named extensor hallucis longus, extensor hallucis brevis and fibularis tertius in its view from
behind, as if seen through the calf (the facing metric sees EHL's belly, between tibia and
fibula with no interosseous membrane drawn, about as hidden from behind as from the front).
"""

from __future__ import annotations

import pytest

from ims_atlas.anatomy.facing import view_directions
from ims_atlas.core.state import ViewState
from ims_atlas.scene.picture import body_for, picture_for
from ims_atlas.scene.target_views import ALONG_LIMB, turned_away

#: The anterior crural muscles (Gray 1918, p. 480) and the dorsal muscle of the foot (p. 490).
FRONT = ("tibialis_anterior", "extensor_digitorum_longus", "extensor_hallucis_longus", "fibularis_tertius",
         "extensor_digitorum_brevis", "extensor_hallucis_brevis")


#: The muscles of the thenar eminence, on the palm at the base of the thumb (StatPearls, Hand
#: Intrinsic Muscles; Gray 1918, the muscles of the hand). The model's hand hangs mid-prone,
#: thumb forward: C8, T1 and carpal tunnel named opponens pollicis and flexor pollicis brevis
#: from behind, through the hand.
THENAR = ("abductor_pollicis_brevis", "opponens_pollicis", "flexor_pollicis_brevis")


def test_the_catalog_records_the_front_groups_surface_from_grays(catalog):
    for mid in FRONT + THENAR:
        m = catalog.muscle(mid)
        assert m.surface == "anterior", mid
        assert "gray1918" in m.sources, mid


def _state(name: str, side: str) -> ViewState:
    return ViewState(segment=name, side=side) if name[0] in "CTLS" and name[1:].isdigit() \
        else ViewState(condition_id=name, side=side)


@pytest.mark.parametrize(("name", "side"), [("S1", "both"), ("L5", "both"), ("metatarsalgia", "both"),
                                            ("S1", "right"), ("L5", "left"), ("metatarsalgia", "right")])
def test_a_front_muscle_is_never_named_from_behind_or_along_the_limb(manifest, catalog, name, side):
    _assert_never_named_from_behind(manifest, catalog, name, side, FRONT)


@pytest.mark.parametrize(("name", "side"), [("C8", "both"), ("T1", "both"), ("C8", "right"),
                                            ("carpal_tunnel", "right"), ("carpal_tunnel", "both")])
def test_a_thenar_muscle_is_never_named_from_behind(manifest, catalog, name, side):
    _assert_never_named_from_behind(manifest, catalog, name, side, THENAR)


def _assert_never_named_from_behind(manifest, catalog, name, side, group) -> None:
    body = body_for(manifest)
    picture = picture_for(_state(name, side), manifest, catalog, body=body)
    anterior = view_directions(manifest, "both")["anterior"]
    front = [t for t in picture.targets if t.key.split(":")[1] in group]
    assert front, f"{name}: no front muscle among its targets"
    for view in picture.views:
        facing = sum(a * b for a, b in zip(view.direction, anterior, strict=True))
        if view.name != ALONG_LIMB and facing >= -0.5:
            continue  # a view of the front or of a side sees the front muscles on their side
        insets = {k: inset for inset in turned_away(view, picture.targets, body) for k in inset.targets}
        for t in front:
            if t.key not in view.targets:
                continue
            inset = insets.get(t.key)
            assert inset is not None, f"{name} {side}: {t.key} named {view.caption} without an inset"
            seen = sum(a * b for a, b in zip(inset.direction, anterior, strict=True))
            assert inset.name != ALONG_LIMB and seen >= 0.0, (t.key, view.name, inset.name)


@pytest.mark.parametrize("name", ["S1", "metatarsalgia"])
def test_a_picture_of_both_sides_keeps_the_front_muscles_out_of_the_soles_view(manifest, catalog, name):
    """From below the foot lies in front of the leg's muscles and the dorsum's: they go to the
    view across the limb (with an inset from the front), and the soles' view keeps the soles."""
    picture = picture_for(_state(name, "both"), manifest, catalog)
    (below,) = [v for v in picture.views if v.name == ALONG_LIMB]
    assert not [k for k in below.targets if k.split(":")[1] in FRONT], below.targets
