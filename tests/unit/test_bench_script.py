"""scripts/bench.py's own arithmetic: how the app workers' runs are merged into one result.

The benchmark itself is run by hand (BENCHMARKS.md); these check only the pure parts a
mistake in would misreport every run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_script", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines functions only: the benchmark runs from main()
    return module


def _run(frame, highlight, frame_cpu, highlight_cpu, rebuilt):
    return {"frame_ms": frame, "frame_still_ms": frame, "highlight_ms": highlight, "peak_rss_mb": 440.0,
            "frame_cpu_ms": frame_cpu, "highlight_cpu_ms": highlight_cpu, "frame_same_view_cpu_ms": frame_cpu,
            "switch_triangles_rebuilt": rebuilt, "peak_rss_mb_by_phase": {"highlights": 440.0},
            "gl_renderer": "llvmpipe"}


def test_each_process_ratio_then_the_median_in_wall_and_cpu_time(bench):
    runs = [_run(100.0, 150.0, 80.0, 100.0, 70_000), _run(50.0, 60.0, 40.0, 60.0, 80_000),
            _run(70.0, 77.0, 60.0, 66.0, 75_000)]
    out = bench._merge_runs(runs)
    assert out["highlight_vs_frame_runs"] == pytest.approx([1.5, 1.2, 1.1])
    assert out["highlight_vs_frame"] == pytest.approx(1.2)  # the median of the processes' own ratios
    assert out["highlight_vs_frame_cpu_runs"] == pytest.approx([1.25, 1.5, 1.1])
    assert out["highlight_vs_frame_cpu"] == pytest.approx(1.25)
    assert out["switch_triangles_rebuilt"] == 75_000  # counts: the median too
    assert out["frame_ms"] == 70.0 and out["app_runs"] == 3
    assert out["gl_renderer"] == "llvmpipe"


def test_every_export_figure_times_a_command_the_export_parser_takes(bench, tmp_path):
    from ims_atlas.cli import build_parser

    keys = [key for key, _, _ in bench.EXPORTS]
    assert len(set(keys)) == len(keys) and {"export_c7_both_s", "export_s1_both_s"} <= set(keys)
    for key, name, args in bench.EXPORTS:
        cmd = bench.export_command(args, tmp_path / name)
        assert cmd[1:4] == ["-m", "ims_atlas", "export"]
        parsed = build_parser().parse_args(cmd[3:])
        assert parsed.out == tmp_path / name and parsed.force, key
    both = {key: args for key, _, args in bench.EXPORTS if key.endswith("_both_s")}
    assert all(args[args.index("--side") + 1] == "both" for args in both.values())
