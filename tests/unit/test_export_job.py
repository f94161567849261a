"""The background export's job file: data only, read back into the same catalog, state and options."""

import datetime
import json

import pytest

from ims_atlas.core.settings import Camera, Clinic
from ims_atlas.core.state import ViewState
from ims_atlas.export import job as jobs
from ims_atlas.export.handout import HandoutOptions
from ims_atlas.export.image_export import ImageOptions


def test_a_job_reads_back_as_written(tmp_path, manifest, catalog):
    state = ViewState(condition_id="tennis_elbow", side="left", hidden=frozenset({"ribcage"}))
    options = ImageOptions((640, 480), True, "Harbour Physio", Camera((0, -3, 1), (0, 0, 1), (0, 0, 1)))
    jobs.write_job(tmp_path, jobs.Job("png", manifest, catalog, state, options))
    back = jobs.read_job(tmp_path)
    assert back.kind == "png" and back.state == state and back.options == options
    assert back.manifest.path == manifest.path and len(back.manifest) == len(manifest)
    assert jobs._encode(back.catalog) == jobs._encode(catalog)  # every entry, every field
    assert back.catalog.condition("tennis_elbow").name == catalog.condition("tennis_elbow").name


def test_a_handout_job_keeps_the_clinic_and_leaves_out_the_patient(tmp_path, manifest, catalog):
    options = HandoutOptions(Clinic("Harbour Physio", "12 Quay Street"), "Zebedee Quarrington",
                             datetime.date(2026, 12, 6))
    path = jobs.write_job(tmp_path, jobs.Job("handout", manifest, catalog, ViewState(condition_id="sciatica"), options))
    assert "Quarrington" not in path.read_text(encoding="utf-8")
    back = jobs.read_job(tmp_path).options
    assert back.clinic == options.clinic and back.date == options.date and back.patient_name == ""


def test_a_job_builds_nothing_but_the_listed_data_classes(tmp_path, manifest, catalog):
    jobs.write_job(tmp_path, jobs.Job("png", manifest, catalog, ViewState(), ImageOptions()))
    doc = json.loads((tmp_path / jobs.JOB_FILE).read_text())
    doc["state"] = {"__class__": "Popen", "fields": {"args": ["rm", "-rf", "/"]}}
    (tmp_path / jobs.JOB_FILE).write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="unknown kind of data: 'Popen'"):
        jobs.read_job(tmp_path)


def test_the_findings_for_the_clinician_sheet_go_on_standard_input_never_into_the_job(tmp_path, manifest, catalog,
                                                                                     monkeypatch):
    import io

    findings = {"findings": ["Quarrington-finding-7731: tender"], "segments": [], "notes": []}
    options = HandoutOptions(patient_name="Zebedee Quarrington", assessment=findings)
    job = jobs.Job("handout", manifest, catalog, ViewState(condition_id="sciatica"), options)
    path = jobs.write_job(tmp_path, job)
    assert "7731" not in path.read_text(encoding="utf-8")
    assert jobs.read_job(tmp_path).options.assessment is None
    monkeypatch.setattr("sys.stdin", io.StringIO(jobs.stdin_lines(job).decode("utf-8")))
    back = jobs._read_stdin(jobs.read_job(tmp_path).options)
    assert back.patient_name == "Zebedee Quarrington" and back.assessment == findings


def test_a_handout_without_findings_sends_null_and_reads_none(tmp_path, manifest, catalog, monkeypatch):
    import io

    job = jobs.Job("handout", manifest, catalog, ViewState(condition_id="sciatica"), HandoutOptions())
    assert jobs.stdin_lines(job) == b"\nnull\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("Jane\n{not json\n"))
    back = jobs._read_stdin(HandoutOptions())
    assert back.patient_name == "Jane" and back.assessment is None
