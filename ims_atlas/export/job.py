"""An export run in a process of its own, so the window stays usable and can cancel it.

The window writes a job (the view state, the options and the catalog it shows, as plain JSON
data, and the path of the anatomy manifest) into a private folder and starts ``python -m
ims_atlas.export.job FOLDER``. The worker renders off screen with the same code as
``ims-atlas export``, prints one line per step (``progress STEP STEPS WORDS``) and leaves, in
that folder, the file it made (``out.png`` or ``out.pdf``, and for a handout ``clinician.pdf``,
the clinician sheet) and ``result.json`` (the warnings and words for the user), or
``error.txt``. Killing it at any point leaves nothing but that folder, which the window
removes. A separate process rather than a thread: VTK's off-screen rendering is not safe to
share with the window's own render window across threads, and a process can be killed.

The job is data only (no pickles): the catalog's entries, the state and the options are
written as JSON with a tag naming each one's class, and read back only into the handful of
IMS Atlas data classes listed in :func:`_classes`. A patient's name and the examination
findings for the clinician sheet are never written there: the worker reads them from its
standard input (the name on the first line, the findings as JSON on the second).
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

JOB_FILE = "job.json"
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


def _classes() -> dict[str, type]:
    """The data classes a job may hold, by name (nothing else is ever built from a job).

    Every data class (and named tuple) defined in the catalog's entry modules, the core's
    errors, settings and state, and the two export options: what a catalog, a view state and
    the options are made of, whatever entries the catalog gains.
    """
    from ims_atlas.catalog import entries, site_catalog
    from ims_atlas.core import errors, settings, state
    from ims_atlas.export import handout, image_export

    found: dict[str, type] = {}
    for module in (entries, site_catalog, errors, settings, state):
        for value in vars(module).values():
            if (isinstance(value, type) and value.__module__ == module.__name__
                    and (is_dataclass(value) or (issubclass(value, tuple) and hasattr(value, "_fields")))):
                found[value.__name__] = value
    for kind in (image_export.ImageOptions, handout.HandoutOptions):
        found[kind.__name__] = kind
    return found


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return {"__class__": type(value).__name__,
                "fields": {f.name: _encode(getattr(value, f.name)) for f in fields(value) if f.init}}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple
        return {"__class__": type(value).__name__, "items": [_encode(v) for v in value]}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"__frozenset__": [_encode(v) for v in sorted(value, key=repr)]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if hasattr(value, "items"):  # a dict or a read-only mapping
        return {"__mapping__": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, datetime.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Path):
        return {"__path__": str(value)}
    raise TypeError(f"an export job cannot hold a {type(value).__name__}")


def _decode(value: Any, classes: dict[str, type]) -> Any:
    if isinstance(value, list):
        return [_decode(v, classes) for v in value]
    if not isinstance(value, dict):
        return value
    if "__class__" in value:
        cls = classes.get(value["__class__"])
        if cls is None:
            raise ValueError(f"an export job named an unknown kind of data: {value['__class__']!r}")
        if "items" in value:
            return cls(*(_decode(v, classes) for v in value["items"]))
        return cls(**{k: _decode(v, classes) for k, v in value["fields"].items()})
    if "__tuple__" in value:
        return tuple(_decode(v, classes) for v in value["__tuple__"])
    if "__frozenset__" in value:
        return frozenset(_decode(v, classes) for v in value["__frozenset__"])
    if "__mapping__" in value:
        return {_decode(k, classes): _decode(v, classes) for k, v in value["__mapping__"]}
    if "__date__" in value:
        return datetime.date.fromisoformat(value["__date__"])
    if "__path__" in value:
        return Path(value["__path__"])
    raise ValueError("an export job holds data of no known shape")


#: A worker's private folder: ``ims-atlas-export-<window's pid>-<random>`` in the temporary folder.
FOLDER_PREFIX = "ims-atlas-export-"


def job_folder() -> Path:
    """A new private folder (mode 0700) for one export, after removing those a killed window
    left behind (they may hold a finished handout with a patient's name).
    """
    import tempfile

    remove_stale_job_folders()
    return Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))


def remove_stale_job_folders(base: Path | None = None) -> list[Path]:
    """Remove job folders whose window process is gone; return them. Best effort, never raises."""
    import shutil
    import tempfile

    from ims_atlas.core.atomic_file import process_alive

    base = Path(base) if base is not None else Path(tempfile.gettempdir())
    removed = []
    try:
        folders = [p for p in base.iterdir() if p.name.startswith(FOLDER_PREFIX) and p.is_dir()]
    except OSError:
        return removed
    for folder in folders:
        pid = folder.name[len(FOLDER_PREFIX):].split("-", 1)[0]
        try:
            mine = folder.stat().st_uid == os.getuid() if hasattr(os, "getuid") else True
        except OSError:
            continue
        if pid.isdigit() and mine and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def write_job(folder: Path, job: Job) -> Path:
    """Write ``job`` into ``folder`` (which the caller created and owns); return its path.

    A handout's patient name and findings are left out (send them on the worker's standard
    input: :func:`stdin_lines`).
    """
    options = job.options
    if job.kind == "handout" and (options.patient_name or options.assessment is not None):
        options = replace(options, patient_name="", assessment=None)
    doc = {"kind": job.kind, "manifest": str(job.manifest.path), "catalog": _encode(job.catalog),
           "state": _encode(job.state), "options": _encode(options)}
    path = Path(folder) / JOB_FILE
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def stdin_lines(job: Job) -> bytes:
    """What the window writes on the worker's standard input: the patient's name, then the
    findings for the clinician sheet as one line of JSON (``null`` for none).
    """
    options = job.options
    name = getattr(options, "patient_name", "") if job.kind == "handout" else ""
    findings = getattr(options, "assessment", None) if job.kind == "handout" else None
    return (name.replace("\n", " ").replace("\r", " ") + "\n" + json.dumps(findings) + "\n").encode("utf-8")


def _read_stdin(options):
    """``options`` with the name and findings the window sent on standard input."""
    name = sys.stdin.readline().strip()
    try:
        findings = json.loads(sys.stdin.readline() or "null")
    except ValueError:
        findings = None
    return replace(options, patient_name=name, assessment=findings if isinstance(findings, dict) else None)


def read_job(folder: Path) -> Job:
    """The job in ``folder``, with the anatomy read from its manifest."""
    from ims_atlas.anatomy.manifest import open_manifest

    doc = json.loads((Path(folder) / JOB_FILE).read_text(encoding="utf-8"))
    classes = _classes()
    manifest, _ = open_manifest(Path(doc["manifest"]))
    return Job(doc["kind"], manifest, _decode(doc["catalog"], classes), _decode(doc["state"], classes),
               _decode(doc["options"], classes))


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
        job = read_job(folder)
        if job.kind == "handout":
            job = Job(job.kind, job.manifest, job.catalog, job.state, _read_stdin(job.options))
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
