"""The window's plan panel marks a local target that has no 3D model yet, as the plan text and
the handout do, and marks no target that is drawn.

The bundled anatomy draws every bundled target since issue 17, so the marks are tested on the
bundled anatomy with the small foot muscles taken out (``tests/anatomy_gaps.py``)."""

import os
import re

import pytest

pytestmark = pytest.mark.gui3d

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from ims_atlas.catalog.load import load_catalog  # noqa: E402
from ims_atlas.catalog.plan import treatment_plan, undrawn_muscles  # noqa: E402
from ims_atlas.qt.panels.plan_text import NOT_SHOWN  # noqa: E402
from tests.anatomy_gaps import manifest_without  # noqa: E402

GAP = frozenset({"extensor_digitorum_brevis", "lumbricals_foot", "plantar_interossei_foot"})


@pytest.fixture
def gap_window(qtbot):
    """A window on the bundled anatomy without the GAP muscles, and its manifest and catalog."""
    from ims_atlas.qt.main_window import MainWindow

    manifest = manifest_without(GAP)
    catalog = load_catalog(None, manifest)
    w = MainWindow(manifest, catalog, animate=False)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    with qtbot.waitSignal(w.first_frame, timeout=10000):
        w.show()
    yield w, manifest, catalog
    w.close()


def _marked(text: str) -> list[str]:
    """The label (name, lay name) of each target the panel marks with the words."""
    return [m.group(1).strip() for m in re.finditer(r"^(.+?) \(" + re.escape(NOT_SHOWN) + r"\)", text, re.M)]


def test_metatarsalgia_marks_exactly_the_targets_without_a_model(gap_window):
    window, manifest, catalog = gap_window
    undrawn = undrawn_muscles(treatment_plan(catalog, manifest, "metatarsalgia", "right"), manifest)
    assert {m.id for m in undrawn} == GAP
    window.show_condition("metatarsalgia", "right")
    text = window.plan_view.toPlainText()
    marked = _marked(text)
    assert len(marked) == len(undrawn)
    assert all(label.startswith(m.name) for label, m in zip(sorted(marked), sorted(undrawn, key=lambda m: m.name), strict=True))
    # a drawn target of the same plan is listed without the mark
    assert "Flexor digitorum brevis" in text
    assert not any(label.startswith("Flexor digitorum brevis") for label in marked)


@pytest.mark.parametrize("condition, shown", [("tennis_elbow", "Extensor carpi radialis brevis"),
                                              ("metatarsalgia", "Lumbricals (foot)")])
def test_a_plan_whose_targets_are_all_drawn_marks_none(open_window, catalog, manifest, condition, shown):
    """On the bundled anatomy (metatarsalgia's small foot muscles drawn since issue 17)."""
    assert not undrawn_muscles(treatment_plan(catalog, manifest, condition, "right"), manifest)
    window = open_window(catalog)
    window.show_condition(condition, "right")
    text = window.plan_view.toPlainText()
    assert shown in text and NOT_SHOWN not in text
