"""An export run in a process of its own, so the window stays usable and can cancel it.

The window writes a job (the anatomy, the catalog, the view state and the options, pickled:
exactly what it shows) into a private folder and starts ``python -m ims_atlas.export.job
FOLDER``. The worker renders off screen with the same code as ``ims-atlas export``, prints one
line per step (``progress STEP STEPS WORDS``) and leaves, in that folder, the file it made
(``out.png`` or ``out.pdf``, and for a handout ``clinician.pdf``, the clinician sheet) and
``result.json`` (the warnings and words for the user), or ``error.txt``. Killing it at any point leaves nothing but that folder, which the window
removes. A separate process rather than a thread: VTK's off-screen rendering is not safe to
share with the window's own render window across threads, and a process can be killed.

Only the window writes the job files, into a folder it created, for its own interpreter. A
patient's name is never written there: the worker reads it from its standard input.
"""

from __future__ import annotations

import copyreg
import json
import pickle
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JOB_FILE = "job.pickle"
RESULT_FILE = "result.json"
ERROR_FILE = "error.txt"
#: Further files a job may leave: a handout's clinician sheet.
EXTRA_FILES = ("clinician.pdf",)


@dataclass(frozen=True)
class Job:
    """One export: ``kind`` is ``png`` or ``handout``; ``options`` the ImageOptions or HandoutOptions."""

    kind: str
    manifest: Any
    catalog: Any
    state: Any
    options: Any

    @property
    def out_name(self) -> str:
        """The file the worker writes in the job's folder."""
        return "out.png" if self.kind == "png" else "out.pdf"


def _mapping(items: dict) -> types.MappingProxyType:
    return types.MappingProxyType(items)


def _reduce_mapping(proxy: types.MappingProxyType):
    return _mapping, (dict(proxy),)


def _with_mappings() -> None:
    """Let the read-only mappings inside the manifest and catalog be pickled (for jobs only)."""
    copyreg.pickle(types.MappingProxyType, _reduce_mapping)


def write_job(folder: Path, job: Job) -> Path:
    """Write ``job`` into ``folder`` (which the caller created and owns); return its path.

    A handout's patient name is left out (send it on the worker's standard input).
    """
    _with_mappings()
    if job.kind == "handout" and job.options.patient_name:
        from dataclasses import replace

        job = Job(job.kind, job.manifest, job.catalog, job.state, replace(job.options, patient_name=""))
    path = Path(folder) / JOB_FILE
    path.write_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
    return path


def read_result(folder: Path) -> dict[str, Any]:
    """What the worker reported: ``{"ok": True, ...}`` or ``{"ok": False, "error": words}``."""
    folder = Path(folder)
    try:
        return {"ok": True, **json.loads((folder / RESULT_FILE).read_text(encoding="utf-8"))}
    except (OSError, ValueError):
        pass
    try:
        error = (folder / ERROR_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        error = ""
    return {"ok": False, "error": error or "the export stopped before it finished"}


def _progress(step: int, steps: int, words: str) -> None:
    print(f"progress {step} {steps} {words}", flush=True)


def run(folder: Path) -> int:
    """Run the job in ``folder``; 0 when the file and its result are written."""
    folder = Path(folder)
    try:
        _with_mappings()
        job: Job = pickle.loads((folder / JOB_FILE).read_bytes())
        if job.kind == "handout":
            from dataclasses import replace

            job = Job(job.kind, job.manifest, job.catalog, job.state,
                      replace(job.options, patient_name=sys.stdin.readline().strip()))
        out = folder / job.out_name
        _progress(1, 3, "Reading the anatomy")
        if job.kind == "png":
            from ims_atlas.export.image_export import export_image

            _progress(2, 3, "Rendering the picture")
            result = export_image(out, job.manifest, job.catalog, job.state, job.options, force=True)
            report = {"unlabelled": len(result.unlabelled), "problems": [str(p) for p in result.problems]}
        else:
            from ims_atlas.export.handout import build_handout

            _progress(2, 3, "Rendering the pictures and laying out the pages")
            handout = build_handout(job.manifest, job.catalog, job.state, job.options)
            out.write_bytes(handout.pdf)
            (folder / "clinician.pdf").write_bytes(handout.clinician_pdf)
            handout.pictures[0].save(folder / "preview.png")
            report = {"warnings": list(handout.warnings), "title": handout.content.title,
                      "side_words": handout.content.side_words}
        _progress(3, 3, "Writing the file")
        (folder / RESULT_FILE).write_text(json.dumps(report), encoding="utf-8")
        return 0
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the window in words
        (folder / ERROR_FILE).write_text(f"{exc}", encoding="utf-8")
        return 1


if __name__ == "__main__":
    raise SystemExit(run(Path(sys.argv[1])))
