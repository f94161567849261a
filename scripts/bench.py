"""Benchmark IMS Atlas against the import floor and a naive renderer, all in one run.

    python scripts/bench.py --json            # one JSON object on stdout
    python scripts/bench.py --json --quick    # fewer repetitions (a smoke run)
    python scripts/bench.py --json --exports  # the export commands' figures only

Starts its own Xvfb when there is no display. Every figure is the median of repeated
measurements made in this run; see BENCHMARKS.md for what each one means and the targets.
The app's figures come from a worker process that is the app (MainWindow in a real Qt
window), so its peak RSS is the app's; the naive renderer runs in a separate worker.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WINDOW = (1280, 800)
ROTATE_STEPS = 40
APP_RUNS = 3  # app-worker processes per benchmark (1 with --quick)
APP_RUNS_QUICK = 1
PIXELS_PER_STEP = 6
#: The export commands timed: (figure, file written, the arguments after ``ims-atlas export``).
#: A segment on both sides is laid out again while a knot of leaders is left (export.twins).
EXPORTS = (
    ("export_png_s", "shot.png", ["tennis elbow", "--side", "right", "--size", "1920x1080"]),
    ("export_pdf_s", "handout.pdf", ["tennis elbow", "--side", "right"]),
    ("export_c7_both_s", "c7-both.png", ["C7", "--side", "both"]),
    ("export_s1_both_s", "s1-both.png", ["S1", "--side", "both"]),
)


# ---------------------------------------------------------------------------------------------
# helpers


def _median(values) -> float:
    return float(statistics.median(values))


def _p95(values) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))])


def _ensure_display() -> subprocess.Popen | None:
    """Start Xvfb on a free display when none is set; return the process to stop later."""
    if os.environ.get("DISPLAY"):
        return None
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        sys.exit("bench: no DISPLAY and no Xvfb (apt-get install xvfb)")
    for number in range(90, 140):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        proc = subprocess.Popen([xvfb, f":{number}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                os.environ["DISPLAY"] = f":{number}"
                return proc
            time.sleep(0.05)
        proc.kill()
    sys.exit("bench: could not start Xvfb")


def _env() -> dict[str, str]:
    # One fresh settings folder for the whole run (set in run()), never the user's own.
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "xcb"
    return env


def _time_process(cmd: list[str], until: str | None = None) -> float:
    """Wall seconds from start until ``until`` appears on stdout (or the process exits)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env(), text=True)
    elapsed = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if until and until in line:
            elapsed = time.perf_counter() - start
            break
    proc.wait(timeout=120)
    if elapsed is None:
        if until:
            raise RuntimeError(f"{' '.join(cmd)} never printed {until!r}")
        elapsed = time.perf_counter() - start
    if proc.returncode not in (0, None):
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}")
    return elapsed


def _worker(kind: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", kind], capture_output=True, text=True, env=_env(),
                         timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# workers (run in their own processes)


def _rotate(app, widget, steps: int) -> tuple[list[float], int]:
    """Drag-rotate the view the way a user does; per-frame wall times and the renders done."""
    from PyQt6.QtCore import QPoint, Qt
    from PyQt6.QtTest import QTest

    render_window = widget._RenderWindow if hasattr(widget, "_RenderWindow") else widget.GetRenderWindow()
    count = [0]
    tag = render_window.AddObserver("StartEvent", lambda *_: count.__setitem__(0, count[0] + 1))
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    app.processEvents()
    times = []
    cpu = []
    count[0] = 0
    for i in range(1, steps + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        QTest.mouseMove(widget, QPoint(centre.x() + PIXELS_PER_STEP * i, centre.y()))
        app.processEvents()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    renders = count[0]
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(centre.x() + PIXELS_PER_STEP * steps, centre.y()))
    app.processEvents()
    render_window.RemoveObserver(tag)
    _rotate.cpu = cpu  # the CPU seconds of each step (this process, the rasteriser's threads included)
    return times, renders


def _settle(app, seconds: float = 0.5) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def worker_app(quick: bool) -> dict:
    """The app itself: frames while rotating, highlight switches, search keystrokes."""
    from PyQt6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    phases: dict[str, float] = {}  # peak RSS (MB) reached by the end of each phase

    def phase(name: str) -> None:
        phases[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.catalog.search import CatalogSearch
    from ims_atlas.catalog.site_catalog import Catalog
    from ims_atlas.core.paths import bundled_catalog_path, meshes_dir
    from ims_atlas.qt.main_window import MainWindow

    manifest = load_manifest(meshes_dir() / "manifest.json")
    catalog = load_catalog(None, manifest)
    # The camera jumps to each new framing (no animation), so a highlight's first frame is
    # its full-detail frame at rest.
    window = MainWindow(manifest, catalog, animate=False)
    window.resize(*WINDOW)
    phase("window_built")
    window.show()
    _settle(app, 1.0)
    phase("first_frames")
    conditions = [c.id for c in catalog.conditions]
    window.show_condition("tennis_elbow", "right")
    _settle(app)
    phase("first_highlight")
    # Frames while rotating, with a condition highlighted (context translucent, targets lit),
    # and highlight switches, measured in alternating blocks: on a shared machine the speed
    # drifts over minutes, and the highlight/frame ratio should compare like with like.
    widget = window.interactor.interactor
    steps = ROTATE_STEPS // 2 if quick else ROTATE_STEPS
    blocks = 2 if quick else 4
    switches = [(cid, ("right", "left", "both")[i % 3]) for i, cid in enumerate(conditions * (1 if quick else 2))]
    per_block = -(-len(switches) // blocks)
    # "On screen" is the 3D view's frameSwapped signal (Qt composed the window and swapped its
    # buffers); "settled" is when Qt has also laid out and painted the plan panel's text.
    swaps: list[float] = []
    swaps_cpu: list[float] = []
    window.interactor.frameSwapped.connect(lambda: (swaps.append(time.perf_counter()), swaps_cpu.append(time.process_time())))

    def on_screen(start: float, end: float) -> float:
        return (swaps[0] if swaps else end) - start

    # The same spans in CPU seconds of this process (the rasteriser's threads included): on a
    # machine shared with other jobs the wall times grow with the load, the work much less.
    def on_screen_cpu(start: float, end: float) -> float:
        return (swaps_cpu[0] if swaps_cpu else end) - start

    frame_times: list[float] = []
    frame_cpu: list[float] = []
    renders = 0
    still: list[float] = []
    highlight, settled, same_view = [], [], []
    highlight_cpu, same_view_cpu = [], []
    for block in range(blocks):
        if block:  # back to the rotation's scene: tennis elbow, framed as at the start
            window.show_condition("tennis_elbow", "right")
            _settle(app, 0.3)
        _rotate(app, widget, 3)  # warm-up
        times, count = _rotate(app, widget, steps // blocks)
        frame_times += times
        frame_cpu += _rotate.cpu
        renders += count
        if block == 0:
            phase("rotating")
            # Still frames: the same scene at rest (full detail), the camera turned a step at a time.
            camera = window.scene.plotter.camera
            for _ in range(10 if quick else 20):
                camera.Azimuth(3.0)
                start = time.perf_counter()
                window.interactor.render()
                app.processEvents()
                still.append(time.perf_counter() - start)
        # Highlight: from picking another condition to its frame on screen (the camera jumps to
        # frame the new targets), sides alternating.
        for cid, side in switches[block * per_block:(block + 1) * per_block]:
            swaps.clear()
            swaps_cpu.clear()
            start, start_cpu = time.perf_counter(), time.process_time()
            window.show_condition(cid, side)
            app.processEvents()
            end, end_cpu = time.perf_counter(), time.process_time()
            highlight.append(on_screen(start, end))
            highlight_cpu.append(on_screen_cpu(start_cpu, end_cpu))
            settled.append(end - start)
            # A plain frame of the same view, for comparison (each condition frames its own view).
            swaps.clear()
            swaps_cpu.clear()
            start, start_cpu = time.perf_counter(), time.process_time()
            window.interactor.render()
            app.processEvents()
            same_view.append(on_screen(start, time.perf_counter()))
            same_view_cpu.append(on_screen_cpu(start_cpu, time.process_time()))
    phase("highlights")
    # Per keystroke as the user sees it: the search-as-you-type panel (search, result list,
    # and Qt repainting the window).
    queries = ["tennis elbow", "sore heel", "sciatica", "extensor carpi radialis brevis", "ECRB", "C6",
               "low back pain", "plantar fasciitis", "whiplash", "jaw pain", "frozen shoulder", "mouse arm",
               "piriformis", "knee pain", "achilles", "carpal tunnel", "golfers elbow", "headache"]
    box = window.search_panel.box
    keystrokes = []
    for q in queries:
        box.clear()
        app.processEvents()
        for n in range(1, len(q) + 1):
            start = time.perf_counter()
            box.setText(q[:n])
            app.processEvents()
            keystrokes.append(time.perf_counter() - start)
    # Peak memory of the app so far (the generated catalog below is the benchmark's, not the app's).
    phase("search_typing")
    peak_rss_mb = phases["search_typing"]
    # The search itself per keystroke, over the bundled catalog and over a generated catalog
    # ten times larger.
    big = Catalog.from_json(_ten_times(json.loads(bundled_catalog_path().read_text(encoding="utf-8"))))
    search = CatalogSearch(big)
    small = CatalogSearch(catalog)
    key_small, key_big = [], []
    for q in queries:
        for n in range(1, len(q) + 1):
            start = time.perf_counter()
            small.search(q[:n], limit=12)
            key_small.append(time.perf_counter() - start)
            start = time.perf_counter()
            search.search(q[:n], limit=12)
            key_big.append(time.perf_counter() - start)
    # And as the window searches: the catalog and the anatomy's structures (bones, nerves,
    # organs, the cord), with queries for structures typed the same way.
    found = CatalogSearch(catalog, window._named.values())
    key_found = []
    for q in queries + ["spinal cord", "vertebral artery", "sciatic nerve", "C6 vertebra", "kidney", "pleura"]:
        for n in range(1, len(q) + 1):
            start = time.perf_counter()
            found.search(q[:n], limit=12)
            key_found.append(time.perf_counter() - start)
    peak_with_10x = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The work of a switch, counted (not timed) over the same switches again: counts do not
    # depend on the machine's load.
    work = _switch_work(app, window, switches)
    structures = len(window.scene.structure_ids)
    window.close()
    app.processEvents()
    return {
        "frame_ms": _median(frame_times) * 1000,
        "frame_ms_p95": _p95(frame_times) * 1000,
        "renders_per_frame": renders / len(frame_times),
        "frames_measured": len(frame_times),
        "frame_still_ms": _median(still) * 1000,
        "highlight_ms": _median(highlight) * 1000,
        "highlight_settled_ms": _median(settled) * 1000,
        "frame_same_view_ms": _median(same_view) * 1000,
        "highlight_switches": len(highlight),
        "search_ms_p95": _p95(key_small) * 1000,
        "search_ms_p95_10x": _p95(key_big) * 1000,
        "search_structures_ms_p95": _p95(key_found) * 1000,
        "keystroke_to_screen_ms_p95": _p95(keystrokes) * 1000,
        "keystrokes": len(keystrokes),
        "catalog_10x": {"conditions": len(big.conditions), "muscles": len(big.muscles)},
        "peak_rss_mb": peak_rss_mb,
        "peak_rss_mb_by_phase": phases,
        "peak_rss_mb_with_10x_catalog": peak_with_10x,
        "frame_cpu_ms": _median(frame_cpu) * 1000,
        "highlight_cpu_ms": _median(highlight_cpu) * 1000,
        "frame_same_view_cpu_ms": _median(same_view_cpu) * 1000,
        **work,
        "structures": structures,
        "triangles": sum(s.triangles for s in manifest),
        "gl_renderer": _gl_renderer(),
    }


def _switch_work(app, window, switches) -> dict:
    """Per highlight switch: VTK renders, draw groups whose GPU buffers the render rebuilds
    (actors whose mapper, input or property changed since they were last drawn) and their
    triangles (hidden blocks included: VTK copies them too), camera clipping-range resets and
    renderers added to the window; the means over ``switches``.
    """
    render_window = window.scene.plotter.render_window
    seen: dict[int, tuple] = {}
    renderers_seen: set[int] = set()
    now = {"renders": 0, "groups": 0, "triangles": 0, "resets": 0, "renderers": 0}
    kept = []  # the renderers observed (a Python reference keeps their ids unique)

    def stamp(actor, mapper) -> tuple:
        data = mapper.GetInputDataObject(0, 0)
        return (mapper.GetMTime(), actor.GetProperty().GetMTime(), data.GetMTime() if data is not None else 0)

    def on_reset(*_args) -> None:
        now["resets"] += 1

    def on_start(*_args) -> None:
        now["renders"] += 1
        renderers = render_window.GetRenderers()
        for i in range(renderers.GetNumberOfItems()):
            renderer = renderers.GetItemAsObject(i)
            if id(renderer) not in renderers_seen:
                renderers_seen.add(id(renderer))
                kept.append(renderer)
                renderer.AddObserver("ResetCameraClippingRangeEvent", on_reset)
                now["renderers"] += 1
            actors = renderer.GetActors()
            for j in range(actors.GetNumberOfItems()):
                actor = actors.GetItemAsObject(j)
                mapper = actor.GetMapper()
                if mapper is None or not actor.GetVisibility():
                    continue
                key = stamp(actor, mapper)
                if seen.get(id(mapper)) != key:
                    seen[id(mapper)] = key
                    data = mapper.GetInputDataObject(0, 0)
                    now["groups"] += 1
                    now["triangles"] += data.GetNumberOfCells() if data is not None else 0

    tag = render_window.AddObserver("StartEvent", on_start)
    window.show_condition("tennis_elbow", "right")
    app.processEvents()
    window.interactor.render()
    app.processEvents()
    for key in now:
        now[key] = 0
    for cid, side in switches:
        window.show_condition(cid, side)
        app.processEvents()
    render_window.RemoveObserver(tag)
    n = max(len(switches), 1)
    return {"switch_renders": now["renders"] / n, "switch_groups_rebuilt": now["groups"] / n,
            "switch_triangles_rebuilt": now["triangles"] / n, "switch_clip_resets": now["resets"] / n,
            "switch_renderers_added": now["renderers"] / n}


def _gl_renderer() -> str:
    import pyvista as pv

    try:
        info = pv.GPUInfo()
        return f"{info.renderer} (OpenGL {info.version})"
    except Exception as exc:  # noqa: BLE001 - the figure is informative only
        return f"unknown ({type(exc).__name__})"


def _ten_times(doc: dict) -> dict:
    """The catalog with nine renamed copies of every condition and muscle added."""
    out = dict(doc)
    conditions, muscles = list(doc["conditions"]), list(doc["muscles"])
    words = ["northern", "upper", "chronic", "recurrent", "bilateral", "acute", "lower", "deep", "lateral"]
    for k, word in enumerate(words, start=1):
        for c in doc["conditions"]:
            copy = json.loads(json.dumps(c))
            copy["id"] = f"{c['id']}_{k}"
            copy["name"] = f"{c['name']} ({word})"
            copy["aliases"] = [f"{a} {word}" for a in c.get("aliases", [])]
            conditions.append(copy)
        for m in doc["muscles"]:
            copy = json.loads(json.dumps(m))
            copy["id"] = f"{m['id']}_{k}"
            copy["name"] = f"{m['name']} {word}"
            copy["aliases"] = [f"{a} {word}" for a in m.get("aliases", [])]
            muscles.append(copy)
    out["conditions"], out["muscles"] = conditions, muscles
    return out


def worker_floor(quick: bool) -> dict:
    """The memory floor: one sphere in the same Qt 3D widget and window size."""
    from PyQt6.QtWidgets import QApplication, QMainWindow

    app = QApplication([sys.argv[0]])
    import pyvista as pv
    from pyvistaqt import QtInteractor

    window = QMainWindow()
    plotter = QtInteractor(window, auto_update=False, multi_samples=0)
    window.setCentralWidget(plotter.interactor)
    plotter.add_mesh(pv.Sphere())
    window.resize(*WINDOW)
    window.show()
    _settle(app, 1.0)
    _rotate(app, plotter.interactor, 5)
    result = {"rss_floor_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    plotter.close()
    window.close()
    return result


def worker_naive(quick: bool) -> dict:
    """What a short script would do: myo-sim's meshes and muscle paths, one pyvista actor each,
    pyvista's defaults, in the same Qt window size, rotated the same way."""
    from PyQt6.QtWidgets import QApplication, QMainWindow

    app = QApplication([sys.argv[0]])
    import pyvista as pv
    from pyvistaqt import QtInteractor

    from ims_atlas.bake.myosim import bone_meshes, fascicles, load_default_pose

    model, data = load_default_pose()
    window = QMainWindow()
    plotter = QtInteractor(window)  # pyvista's default theme (MSAA), pyvistaqt's defaults
    window.setCentralWidget(plotter.interactor)
    start = time.perf_counter()
    for bone in bone_meshes(model, data):
        faces = [[3, *f] for f in bone.faces]
        plotter.add_mesh(pv.PolyData(bone.points, faces), color="ivory")
    for f in fascicles(model, data):
        radius = max(0.002, min(0.02, 0.0006 * f.peak_force ** 0.5))
        plotter.add_mesh(pv.lines_from_points(f.path).tube(radius=radius), color="firebrick")
    build_s = time.perf_counter() - start
    plotter.view_xz()
    window.resize(*WINDOW)
    window.show()
    _settle(app, 1.0)
    widget = plotter.interactor
    steps = ROTATE_STEPS // 2 if quick else ROTATE_STEPS
    _rotate(app, widget, 5)
    frame_times, renders = _rotate(app, widget, steps)
    result = {
        "naive_frame_ms": _median(frame_times) * 1000,
        "naive_renders_per_frame": renders / steps,
        "naive_actors": len(plotter.renderer.actors),
        "naive_build_s": build_s,
    }
    plotter.close()
    window.close()
    return result


# ---------------------------------------------------------------------------------------------
# orchestration


def run(quick: bool) -> dict:
    xvfb = _ensure_display()
    os.environ["IMS_ATLAS_HOME"] = tempfile.mkdtemp(prefix="ims-atlas-bench-home-")
    try:
        reps = 3 if quick else 5
        python = sys.executable
        floor_cmd = [python, "-c", "import pyvista, PyQt6.QtWidgets, pyvistaqt"]
        first_cmd = [python, "-m", "ims_atlas", "--quit-after-first-frame", "--size", "1280x800"]
        # The first start validates the catalog and caches the result; later starts reuse it.
        # The floor and the warm starts alternate, so that a machine slowing down or speeding
        # up during the run weighs on both alike.
        first = [_time_process(first_cmd, until="first frame")]
        floor = []
        for _ in range(reps):
            floor.append(_time_process(floor_cmd))
            first.append(_time_process(first_cmd, until="first frame"))
        # The app worker runs in fresh processes, several times: its peak memory varies from
        # process to process (by up to about 20 MB: when the software rasteriser's threads
        # happen to overlap two frames), so every app figure is the median over the runs.
        app = _merge_runs([_worker("app" + ("-quick" if quick else "")) for _ in range(APP_RUNS_QUICK if quick else APP_RUNS)])
        naive = _worker("naive" + ("-quick" if quick else ""))
        floor_rss = _worker("floor")
        exports = _exports(2 if quick else 3)
        result = {
            "import_floor_s": _median(floor),
            "first_frame_s": _median(first[1:]),
            "first_frame_cold_s": first[0],
            **app,
            **floor_rss,
            **naive,
            **exports,
        }
        result["ratios"] = {
            "frame_vs_naive": result["frame_ms"] / result["naive_frame_ms"],
            "first_frame_vs_floor": result["first_frame_s"] / result["import_floor_s"],
            # Each app process's own ratio (its highlight and its frames measured side by side,
            # on the same machine state), then the median over the processes: the rotation
            # frame alone varies by up to a third between processes.
            "highlight_vs_frame": result["highlight_vs_frame"],
            "highlight_vs_frame_of_medians": result["highlight_ms"] / result["frame_ms"],
            "highlight_vs_frame_same_view": result["highlight_ms"] / result["frame_same_view_ms"],
            # The same in CPU time of the app process (less moved by other jobs on the machine).
            "highlight_vs_frame_cpu": result["highlight_vs_frame_cpu"],
            "highlight_vs_frame_same_view_cpu": result["highlight_cpu_ms"] / result["frame_same_view_cpu_ms"],
        }
        result["machine"] = _machine(result.pop("gl_renderer"))
        return result
    finally:
        if xvfb is not None:
            xvfb.terminate()


def _merge_runs(runs: list[dict]) -> dict:
    """One result from several app-worker runs: the median of each number; the per-run
    values of the headline figures are kept beside it."""
    out: dict = {}
    for key, value in runs[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = _median([r[key] for r in runs])
        else:
            out[key] = value
    for key in ("frame_ms", "frame_still_ms", "highlight_ms", "peak_rss_mb"):
        out[f"{key}_runs"] = [r[key] for r in runs]
    out["peak_rss_mb_by_phase"] = [r["peak_rss_mb_by_phase"] for r in runs]
    out["highlight_vs_frame_runs"] = [r["highlight_ms"] / r["frame_ms"] for r in runs]
    out["highlight_vs_frame_cpu_runs"] = [r["highlight_cpu_ms"] / r["frame_cpu_ms"] for r in runs]
    out["highlight_vs_frame_cpu"] = _median(out["highlight_vs_frame_cpu_runs"])
    out["highlight_vs_frame"] = _median(out["highlight_vs_frame_runs"])
    out["app_runs"] = len(runs)
    return out


def _children_cpu_s() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def export_command(args: list[str], out: Path) -> list[str]:
    """The ``ims-atlas export`` command timed for one of :data:`EXPORTS`."""
    return [sys.executable, "-m", "ims_atlas", "export", *args, "--out", str(out), "--force"]


def _exports(reps: int) -> dict:
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, name, args in EXPORTS:
            cmd = export_command(args, Path(tmp) / name)
            times, cpu = [], []
            for _ in range(reps):
                before = _children_cpu_s()
                times.append(_time_process(cmd))
                cpu.append(_children_cpu_s() - before)
            out[key] = _median(times)
            out[key.removesuffix("_s") + "_cpu_s"] = _median(cpu)
    out["export_note"] = ("wall time of the `ims-atlas export` command, start to finish (includes its imports); "
                          "_cpu_s: its CPU time (user + system), less moved by other work on the machine")
    return out


def exports_only(quick: bool) -> dict:
    """The export figures alone (``--exports``), measured as in a whole run."""
    os.environ["IMS_ATLAS_HOME"] = tempfile.mkdtemp(prefix="ims-atlas-bench-home-")
    return {**_exports(2 if quick else 3), "machine_load_average_at_end": list(os.getloadavg())}


def _machine(gl_renderer: str) -> dict:
    import numpy
    import PyQt6.QtCore
    import pyvista
    import vtk

    from ims_atlas import __version__

    return {
        "cpu_count": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "opengl_renderer": gl_renderer,
        "versions": {"ims_atlas": __version__, "pyvista": pyvista.__version__, "vtk": vtk.vtkVersion.GetVTKVersion(),
                     "qt": PyQt6.QtCore.QT_VERSION_STR, "pyqt": PyQt6.QtCore.PYQT_VERSION_STR,
                     "numpy": numpy.__version__},
        "load_average_at_end": list(os.getloadavg()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--exports", action="store_true", help="time the export commands only")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, _, quick = args.worker.partition("-")
        workers = {"app": worker_app, "naive": worker_naive, "floor": worker_floor}
        result = workers[kind](bool(quick))
        print(json.dumps(result))
        return 0
    started = time.perf_counter()
    result = exports_only(args.quick) if args.exports else run(args.quick)
    result["bench_wall_s"] = time.perf_counter() - started
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
