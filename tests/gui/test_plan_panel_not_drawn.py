"""The window's plan panel marks a local target that has no 3D model yet, as the plan text and
the handout do, and marks no target that is drawn."""

import os
import re

import pytest

pytestmark = pytest.mark.gui3d

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from ims_atlas.catalog.plan import treatment_plan, undrawn_muscles  # noqa: E402
from ims_atlas.qt.panels.plan_text import NOT_SHOWN  # noqa: E402


def _marked(text: str) -> list[str]:
    """The label (name, lay name) of each target the panel marks with the words."""
    return [m.group(1).strip() for m in re.finditer(r"^(.+?) \(" + re.escape(NOT_SHOWN) + r"\)", text, re.M)]


def test_metatarsalgia_marks_exactly_the_targets_without_a_model(open_window, catalog, manifest):
    undrawn = undrawn_muscles(treatment_plan(catalog, manifest, "metatarsalgia", "right"), manifest)
    assert undrawn, "the bundled anatomy has no model of the small foot muscles yet"
    window = open_window(catalog)
    window.show_condition("metatarsalgia", "right")
    text = window.plan_view.toPlainText()
    marked = _marked(text)
    assert len(marked) == len(undrawn)
    assert all(label.startswith(m.name) for label, m in zip(sorted(marked), sorted(undrawn, key=lambda m: m.name), strict=True))
    # a drawn target of the same plan is listed without the mark
    assert "Flexor digitorum brevis" in text
    assert not any(label.startswith("Flexor digitorum brevis") for label in marked)


def test_a_plan_whose_targets_are_all_drawn_marks_none(open_window, catalog, manifest):
    assert not undrawn_muscles(treatment_plan(catalog, manifest, "tennis_elbow", "right"), manifest)
    window = open_window(catalog)
    window.show_condition("tennis_elbow", "right")
    text = window.plan_view.toPlainText()
    assert "Extensor carpi radialis brevis" in text and NOT_SHOWN not in text
