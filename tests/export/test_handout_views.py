"""The handout's muscle pictures are taken from where their muscles face (issue 16).

A plan whose local targets face two ways (knee pain: the quadriceps forward, the hamstrings,
calf and buttock muscles back) has two muscle pictures, each taken along one of the plan's
views, numbering only the muscles that view shows, with a caption that says where it is seen
from. Before, the handout had one muscle picture, from the view with most targets, and
numbered every muscle on it: knee pain's rectus femoris, vastus medialis and vastus
intermedius were numbered on a picture "seen from behind".
"""

from __future__ import annotations

import numpy as np
import pytest

from ims_atlas.core.state import ViewState
from ims_atlas.scene.target_views import VIEW_WORDS

pytestmark = pytest.mark.scene

SIZE = (800, 450)
#: The caption's words for a muscle picture.
MUSCLES_CAPTION = "Needle points in the muscles (orange dots)"


def _made(manifest, catalog, scene, monkeypatch, condition_id: str):
    """Build the handout for ``condition_id`` (right side) and record what each picture was
    taken with: its shot, what it drew, its labels, and (in the same order) its caption.
    """
    from ims_atlas.export import handout as handout_module
    from ims_atlas.export.annotations import export_state
    from ims_atlas.scene.picture import picture_for

    taken, laid_out = [], []
    real_take, real_sizes = handout_module.take, handout_module.picture_print_sizes

    def take(scene_, picture, annotation, size, style, shot, *args, **kwargs):
        taken.append((shot, picture, annotation))
        return real_take(scene_, picture, annotation, size, style, shot, *args, **kwargs)

    def sizes(content, blanks, **kwargs):
        laid_out[:] = blanks
        return real_sizes(content, blanks, **kwargs)

    monkeypatch.setattr(handout_module, "take", take)
    monkeypatch.setattr(handout_module, "picture_print_sizes", sizes)
    state = ViewState(condition_id=condition_id, side="right")
    handout = handout_module.build_handout(manifest, catalog, state, handout_module.HandoutOptions(overview=False),
                                           scene=scene)
    picture = picture_for(export_state(state), manifest, catalog)
    assert len(taken) == len(laid_out)
    return handout, picture, [(*t, blank.caption) for t, blank in zip(taken, laid_out, strict=True)]


def _numbers_of(label_title: str) -> list[int]:
    return [int(n) for n in label_title.split(", ")]


def _view_along(picture, direction):
    return next((v for v in picture.views if np.allclose(v.direction, direction)), None)


@pytest.mark.parametrize("condition_id", ["knee_pain", "sciatica", "carpal_tunnel"])
def test_each_muscle_picture_numbers_only_the_muscles_its_view_shows(manifest, catalog, scene, monkeypatch,
                                                                     condition_id):
    """Each muscle picture is taken along one of the plan's views; every number on it is that
    of a muscle the view holds, its caption names the view, and between them the pictures
    carry every number of the list of muscles once."""
    from ims_atlas.export.handout_content import picture_numbers

    handout, picture, shots = _made(manifest, catalog, scene, monkeypatch, condition_id)
    numbers = picture_numbers(handout.content.local)
    muscle_of = {n: mid for mid, n in numbers.items()}
    local_views = [v for v in picture.views if any(picture.target(k).role == "local" for k in v.targets)]
    assert len(local_views) == 2, [(v.name, v.targets) for v in picture.views]  # a plan that faces two ways
    muscles = [s for s in shots if s[3].startswith(MUSCLES_CAPTION)]
    seen = []
    for shot, drawn, annotation, caption in muscles:
        view = _view_along(picture, shot.direction)
        assert view is not None, (caption, shot.direction)
        assert caption.endswith(f"seen {VIEW_WORDS[view.name]}."), (caption, view.name)
        for label in annotation.targets:
            for n in _numbers_of(label.title):
                key = f"local:{muscle_of[n]}:right"
                assert key in view.targets, (condition_id, caption, n, key, view.name)
                seen.append(n)
        # Its orange dots are those of the muscles it numbers: none seen through the body.
        for marker in drawn.markers:
            if marker.role == "local":
                assert set(marker.key.split("+")) & set(view.targets), (caption, marker.key)
    assert sorted(seen) == sorted(numbers.values()), (sorted(seen), numbers)
    assert {_view_along(picture, s[0].direction).name for s in muscles} == {v.name for v in local_views}
    assert len(muscles) == 2 == handout.muscle_pictures, [s[3] for s in shots]


def test_a_plan_seen_from_one_side_keeps_one_muscle_picture(manifest, catalog, scene, monkeypatch):
    """Piriformis syndrome's targets are all seen from behind: one muscle picture, numbering
    them all, then the spine's (as before: a guard, it passes on the old code too)."""
    from ims_atlas.export.handout_content import picture_numbers

    handout, picture, shots = _made(manifest, catalog, scene, monkeypatch, "piriformis_syndrome")
    assert len(picture.views) == 1
    muscles = [s for s in shots if s[3].startswith(MUSCLES_CAPTION)]
    assert len(muscles) == 1
    assert muscles[0][3].endswith("seen from behind.")
    got = sorted(n for label in muscles[0][2].targets for n in _numbers_of(label.title))
    assert got == sorted(picture_numbers(handout.content.local).values())
    assert len(shots) == 2 and shots[1][3].startswith("Beside the spine")
