"""A long session in the real window: memory stays flat and no VTK or Qt objects leak.

A thousand state changes (conditions x sides, segment picks C1-S2, layer toggles, views,
clears) in a fixed pseudo-random order, each followed by Qt's event processing and the render it
triggers. After a warm-up (every condition, segment and view seen once, so caches are full),
the resident memory (RSS) must grow by less than 5 %, and at the same resting state (highlight
cleared, all layers on) the renderer's actors and props, the VTK objects Python holds and the
window's Qt objects must be as many as after the warm-up.

A render on a software GL (Xvfb in CI) costs about 0.15 s, the rest of a change about 0.05 s,
so by default every change is applied in full but only every 4th is rendered (the window's
``render`` is a no-op in between): 1,000 changes stay well under 3 minutes, and a leak in the
render path still shows, at a quarter of the rate. ``IMS_ATLAS_SOAK_RENDER_EVERY=1`` renders every
change; ``IMS_ATLAS_SOAK_STEPS=N`` sets the number of measured changes (default 1000). The
figures are printed (run with ``-s``) and written to ``soak-figures.json`` in the pytest
temporary folder.
"""

from __future__ import annotations

import gc
import json
import os
import random
import time

import pytest

pytestmark = [pytest.mark.gui3d, pytest.mark.slow]

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    pytest.skip("needs an X server (pytest-xvfb or xvfb-run)", allow_module_level=True)

from PyQt6.QtCore import QObject  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402
from vtkmodules.vtkCommonCore import vtkObjectBase  # noqa: E402

from ims_atlas.core.ids import CATALOG_SEGMENTS  # noqa: E402
from ims_atlas.core.state import LAYER_NAMES  # noqa: E402
from ims_atlas.scene.views import VIEWS  # noqa: E402

STEPS = int(os.environ.get("IMS_ATLAS_SOAK_STEPS", "") or 1000)
RENDER_EVERY = max(1, int(os.environ.get("IMS_ATLAS_SOAK_RENDER_EVERY", "") or 4))
MAX_RSS_GROWTH = 0.05
SIDES = ("left", "right", "both")


def rss_kib() -> int:
    """Resident memory of this process, in KiB (Linux ``/proc``)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def counts(window) -> dict[str, int]:
    """What would grow if something leaked: VTK props, Python-held VTK objects, Qt objects."""
    gc.collect()
    renderers = window.scene.plotter.ren_win.GetRenderers()
    actors = props = 0
    for i in range(renderers.GetNumberOfItems()):
        renderer = renderers.GetItemAsObject(i)
        actors += renderer.GetActors().GetNumberOfItems()
        props += renderer.GetViewProps().GetNumberOfItems()
    return {
        "renderers": renderers.GetNumberOfItems(),
        "vtk actors": actors,
        "vtk props": props,
        "vtk objects held by Python": sum(isinstance(o, vtkObjectBase) for o in gc.get_objects()),
        "qt objects in the window": len(window.findChildren(QObject)),
        "qt widgets": len(QApplication.allWidgets()),
        "python objects": len(gc.get_objects()),
    }


def session(catalog, rng: random.Random):
    """An endless, reproducible mix of what a user does: (method name, arguments)."""
    conditions = [c.id for c in catalog.conditions]
    while True:
        roll = rng.random()
        if roll < 0.40:
            yield "show_condition", (rng.choice(conditions), rng.choice(SIDES))
        elif roll < 0.65:
            yield "show_segment", (rng.choice(CATALOG_SEGMENTS),)
        elif roll < 0.85:
            yield "set_layer", (rng.choice(LAYER_NAMES), rng.random() < 0.5)
        elif roll < 0.95:
            yield "set_view", (rng.choice(list(VIEWS)),)
        else:
            yield "clear", ()


def warm_up(catalog):
    """Every condition on every side, every segment, every view and layer state, once."""
    for c in catalog.conditions:
        for side in SIDES:
            yield "show_condition", (c.id, side)
    for seg in CATALOG_SEGMENTS:
        yield "show_segment", (seg,)
    for layer in LAYER_NAMES:
        yield "set_layer", (layer, False)
        yield "set_layer", (layer, True)
    for view in VIEWS:
        yield "set_view", (view,)
    yield "clear", ()


def rest(window) -> None:
    """The same resting state before every measurement."""
    window.clear()
    for layer in LAYER_NAMES:
        window.set_layer(layer, True)
    window.set_view("anterior")
    QApplication.processEvents()



def test_a_thousand_changes_leak_nothing(open_window, catalog, tmp_path_factory):
    window = open_window(catalog, (1000, 700))
    rendered = {"steps": 0, "vtk renders": 0}
    window.scene.plotter.render_window.AddObserver("EndEvent", lambda *_: rendered.__setitem__(
        "vtk renders", rendered["vtk renders"] + 1))

    def run(actions, n: int | None = None) -> int:
        done = 0
        for name, args in actions:
            skip = done % RENDER_EVERY != 0
            if skip:  # instance attributes hide QtInteractor.render and the window's synchronous
                # repaint of the 3D view (which would render in its place) until they are deleted
                window.interactor.render = lambda *args, **kwargs: None
                window.interactor.repaint = lambda *args, **kwargs: None
            try:
                getattr(window, name)(*args)
                QApplication.processEvents()
            finally:
                if skip:
                    del window.interactor.render
                    del window.interactor.repaint
            rendered["steps"] += not skip
            done += 1
            if n is not None and done >= n:
                break
        return done

    started = time.perf_counter()
    rss_start = rss_kib()
    warm = run(warm_up(catalog))
    rest(window)
    rss_warm, before = rss_kib(), counts(window)
    steps = run(session(catalog, random.Random(8)), STEPS // 2)
    rest(window)
    rss_half, half = rss_kib(), counts(window)
    steps += run(session(catalog, random.Random(9)), STEPS - steps)
    rest(window)
    rss_end, after = rss_kib(), counts(window)
    seconds = time.perf_counter() - started

    view = window.scene.plotter.window_size
    figures = {"3d view pixels": f"{view[0]}x{view[1]}", "warm-up steps": warm, "measured steps": steps,
               "rendered steps": rendered["steps"], "vtk renders": rendered["vtk renders"], "seconds": round(seconds, 1),
               "rss KiB at start": rss_start, "rss KiB after warm-up": rss_warm, "rss KiB half-way": rss_half,
               "rss KiB at end": rss_end, "rss growth after warm-up": round((rss_end - rss_warm) / rss_warm, 4),
               "counts after warm-up": before, "counts half-way": half, "counts at end": after}
    print("\nsoak:", json.dumps(figures, indent=2))
    (tmp_path_factory.getbasetemp() / "soak-figures.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")

    assert steps == STEPS
    # every RENDER_EVERY-th change is rendered (a move of the camera may take a few frames), no more
    assert rendered["vtk renders"] <= 3 * rendered["steps"], figures
    assert (rss_end - rss_warm) / rss_warm < MAX_RSS_GROWTH, figures
    for key in ("renderers", "vtk actors", "vtk props", "vtk objects held by Python", "qt objects in the window",
                "qt widgets"):
        assert after[key] <= before[key], (key, figures)
    # Python's own objects: caches may settle a little, a leak grows with every step.
    assert after["python objects"] - before["python objects"] < 0.01 * before["python objects"], figures
