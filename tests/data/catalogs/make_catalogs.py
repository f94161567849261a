"""Regenerate the test catalogs and the tiny anatomy beside this file.

    python tests/data/catalogs/make_catalogs.py

* ``small_catalog.json``: a valid catalog (6 conditions, 10 muscles, C1-S2).
* ``anatomy/``: a tiny ``manifest.json`` with cube meshes for a few muscles and four cervical
  vertebrae (landmarks only), to test placement checks and paraspinal positions.
* ``broken/*.json``: one defect each (named for it), plus ``many_problems.json`` with several.
  The tests state the JSON path and message each one must produce.
* ``user/*.json``: user catalogs (adding, overriding, broken).

The files are committed; this script only documents and reproduces them.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from ims_atlas.anatomy.mesh_file import write_mesh  # noqa: E402
from ims_atlas.catalog.rules import paraspinal_level_for  # noqa: E402
from ims_atlas.core.ids import CATALOG_SEGMENTS  # noqa: E402

MIDLINE = -0.025
ECRB_RIGHT = (-0.21, 0.0, 1.10)
SUPINATOR_RIGHT = (-0.22, 0.05, 1.05)


def _muscle(id, name, lay, aliases, region, nerve, roots, **kw):
    d = {"id": id, "name": name, "lay_name": lay, "aliases": aliases, "region": region, "nerve": nerve,
         "roots": [{"segment": s, "contribution": c} for s, c in roots], "sources": ["lasts"]}
    d.update(kw)
    return d


def _target(muscle, description, source, **epicentre):
    return {"muscle": muscle, "epicentre": {"description": description, **epicentre}, "sources": [source]}


def small_catalog() -> dict:
    sources = {
        "gunn1976": {"citation": "Gunn CC, Milbrandt WE. Tennis elbow and the cervical spine. CMAJ 1976;114:803-9.",
                     "authors": ["Gunn CC", "Milbrandt WE"], "title": "Tennis elbow and the cervical spine", "year": 1976},
        "lasts": {"citation": "Sinnatamby CS. Last's Anatomy, 12th ed. Churchill Livingstone; 2011.",
                  "authors": ["Sinnatamby CS"], "title": "Last's Anatomy: Regional and Applied", "year": 2011,
                  "url": "https://example.org/lasts"},
        "bogduk1982": {"citation": "Bogduk N, Wilson AS, Tynan W. The human lumbar dorsal rami. J Anat 1982;134:383-97.",
                       "authors": ["Bogduk N", "Wilson AS", "Tynan W"], "title": "The human lumbar dorsal rami", "year": 1982},
        "cotchett2014": {"citation": "Cotchett MP, Munteanu SE, Landorf KB. Trigger point dry needling for plantar heel pain. "
                                     "Phys Ther 2014;94:1083-94.", "notes": "Read: abstract.",
                         "authors": ["Cotchett MP", "Munteanu SE", "Landorf KB"],
                         "title": "Effectiveness of trigger point dry needling for plantar heel pain: a randomized controlled trial",
                         "year": 2014},
    }
    muscles = [
        _muscle("extensor_carpi_radialis_brevis", "Extensor carpi radialis brevis", "short wrist-lifting muscle of the forearm",
                ["ECRB"], "forearm", "Deep branch of the radial nerve", [("C6", "major"), ("C7", "major")],
                latin="Musculus extensor carpi radialis brevis",
                disagreement="Last's gives C6, C7; other sources give C7, C8."),
        _muscle("supinator", "Supinator", "forearm-turning muscle", [], "forearm", "Posterior interosseous nerve",
                [("C5", "minor"), ("C6", "major")]),
        _muscle("pronator_teres", "Pronator teres", "forearm-turning muscle on the inner side", [], "forearm", "Median nerve",
                [("C6", "major"), ("C7", "major")]),
        _muscle("piriformis", "Piriformis", "deep buttock muscle", [], "hip", "Nerve to piriformis",
                [("L5", "minor"), ("S1", "major"), ("S2", "major")]),
        _muscle("fibularis_longus", "Fibularis longus", "outer calf muscle", ["peroneus longus"], "leg",
                "Superficial fibular nerve", [("L5", "major"), ("S1", "major")]),
        _muscle("gastrocnemius", "Gastrocnemius", "calf muscle", [], "leg", "Tibial nerve", [("S1", "major"), ("S2", "major")]),
        _muscle("soleus", "Soleus", "deep calf muscle", [], "leg", "Tibial nerve", [("S1", "major"), ("S2", "major")]),
        _muscle("quadratus_plantae", "Quadratus plantae", "small muscle under the heel", [], "foot", "Lateral plantar nerve",
                [("S1", "major"), ("S2", "major")]),
        _muscle("multifidus", "Multifidus", "small deep muscles beside the spine", [], "back",
                "Medial branches of the dorsal rami", [], notes="Supplied segmentally by the dorsal rami."),
        _muscle("trapezius", "Trapezius", "shoulder-shrugging muscle", [], "neck", "Accessory nerve",
                [("C3", "minor"), ("C4", "minor")], cranial_nerve="CN XI (accessory)"),
    ]
    segments = [{"id": s, "paraspinal_level": paraspinal_level_for(s), "paraspinal_muscles": ["multifidus"],
                 "sources": ["bogduk1982"]} for s in CATALOG_SEGMENTS]
    conditions = [
        {"id": "tennis_elbow", "name": "Tennis elbow", "clinical_name": "Lateral epicondylalgia",
         "aliases": ["lateral epicondylitis", "lateral epicondylalgia"], "lay_name": "Sore outer elbow",
         "lay_terms": ["mouse arm", "sore elbow when gripping"], "region": "elbow",
         "explanation": "The tendon on the outer elbow is irritated; the muscles behind it are tight.",
         "local_targets": [
             _target("extensor_carpi_radialis_brevis", "In the muscle belly a few finger-widths below the outer elbow.",
                     "gunn1976", along=0.3, position=list(ECRB_RIGHT)),
             _target("supinator", "Deep in the forearm just below the outer elbow.", "gunn1976")],
         "root_segments": {"segments": ["C5", "C6", "C7"], "core": ["C6", "C7"], "rationale": "The muscles' roots.",
                           "derivation": "derived", "sources": ["gunn1976", "lasts"]},
         "safety": [{"text": "The deep branch of the radial nerve passes through supinator.", "sources": ["lasts"]}],
         "references": [{"source": "gunn1976", "evidence": "Case series, 50 patients."}],
         "evidence_note": "Low."},
        {"id": "golfers_elbow", "name": "Golfer's elbow", "clinical_name": "Medial epicondylalgia",
         "aliases": ["medial epicondylitis"], "lay_name": "Sore inner elbow", "lay_terms": ["sore inside of the elbow"],
         "region": "elbow", "explanation": "The tendon on the inner elbow is irritated.",
         "local_targets": [_target("pronator_teres", "In the forearm below the inner elbow.", "lasts")],
         "root_segments": {"segments": ["C6", "C7"], "rationale": "Roots of the flexors.", "derivation": "derived",
                           "sources": ["lasts"]},
         "safety": [], "references": []},
        {"id": "sciatica", "name": "Sciatica", "aliases": ["lumbosacral radicular pain", "sciatic pain"],
         "lay_name": "Pain down the back of the leg", "lay_terms": ["trapped nerve in the back", "pain down the leg"],
         "region": "low back and leg", "explanation": "A nerve root in the low back is irritated.",
         "local_targets": [_target("piriformis", "Deep in the middle of the buttock.", "lasts"),
                           _target("fibularis_longus", "On the outer side of the upper calf.", "lasts")],
         "root_segments": {"segments": ["L4", "L5", "S1"], "core": ["L5", "S1"], "rationale": "The sciatic nerve's roots.",
                           "derivation": "read", "sources": ["bogduk1982"],
                           "left_out": [{"segments": ["S2"], "muscles": ["piriformis"],
                                         "reason": "Piriformis is treated for its L5 and S1 supply here.",
                                         "sources": ["bogduk1982"]}]},
         "safety": [{"text": "The sciatic nerve lies below piriformis.", "sources": ["lasts"]}],
         "references": [{"source": "bogduk1982", "evidence": "Anatomy."}]},
        {"id": "plantar_heel_pain", "name": "Plantar heel pain", "clinical_name": "Plantar fasciopathy",
         "aliases": ["plantar fasciitis", "plantar fasciopathy", "policeman's heel"], "lay_name": "Sore heel",
         "lay_terms": ["heel hurts in the morning", "painful first steps"], "region": "foot",
         "explanation": "The thick band under the foot is irritated where it meets the heel.",
         "local_targets": [_target("quadratus_plantae", "Under the heel, deep.", "cotchett2014"),
                           _target("soleus", "In the lower calf.", "cotchett2014")],
         "root_segments": {"segments": ["S1", "S2"], "rationale": "Roots of the tibial nerve.", "derivation": "derived",
                           "sources": ["lasts"]},
         "safety": [], "references": [{"source": "cotchett2014", "evidence": "RCT, 84 patients."}]},
        {"id": "achilles_tendinopathy", "name": "Achilles tendinopathy", "aliases": ["Achilles tendinitis"],
         "lay_name": "Sore heel cord", "lay_terms": ["sore back of the ankle"], "region": "ankle",
         "explanation": "The big tendon at the back of the ankle is irritated.",
         "local_targets": [_target("gastrocnemius", "In the calf.", "lasts"), _target("soleus", "In the lower calf.", "lasts")],
         "root_segments": {"segments": ["S1", "S2"], "rationale": "Roots of the tibial nerve.", "derivation": "derived",
                           "sources": ["lasts"]},
         "safety": [], "references": []},
        {"id": "neck_pain_whiplash", "name": "Neck pain and whiplash", "aliases": ["whiplash"], "lay_name": "Stiff neck",
         "lay_terms": ["crick in the neck"], "region": "neck", "explanation": "Neck muscles are tight.",
         "local_targets": [_target("trapezius", "Top of the shoulder.", "lasts")],
         "root_segments": {"segments": ["C3", "C4"], "rationale": "Roots.", "derivation": "derived", "sources": ["lasts"]},
         "safety": [{"text": "The lung top lies below the trapezius near the neck.", "sources": ["lasts"]}],
         "references": []},
    ]
    return {"$schema": "../../../ims_atlas/catalog/site_catalog.schema.json", "schema_version": 1,
            "catalog_version": "test.1", "sources": sources, "muscles": muscles, "segments": segments,
            "conditions": conditions}


def _cube(centre, half=0.02):
    c = np.asarray(centre, dtype=float)
    corners = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], dtype=float) * half + c
    faces = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                      [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]])
    return corners, faces


def _mirror(p):
    return (2 * MIDLINE - p[0], p[1], p[2])


def anatomy(folder: Path) -> None:
    structures = []

    def add(sid, kind, layer, side, centre, muscle=None, level=None, landmarks=None):
        rel = f"{layer}/{sid}.npz"
        pts, faces = _cube(centre)
        write_mesh(folder / rel, pts, faces)
        structures.append({"id": sid, "name": sid.replace("_", " "), "kind": kind, "layer": layer, "side": side,
                           "region": "", "level": level, "muscle": muscle, "parts": [], "file": rel,
                           "triangles": len(faces), "source": "test cubes", "licence": "CC0",
                           **({"landmarks": landmarks} if landmarks else {})})

    add("extensor_carpi_radialis_brevis_right", "muscle", "muscles", "right", ECRB_RIGHT, "extensor_carpi_radialis_brevis")
    add("extensor_carpi_radialis_brevis_left", "muscle", "muscles", "left", _mirror(ECRB_RIGHT), "extensor_carpi_radialis_brevis")
    # The left supinator is deliberately NOT the mirror of the right one (shifted 5 cm back),
    # so a right-side point that fits may fail its mirrored check.
    add("supinator_right", "muscle", "muscles", "right", SUPINATOR_RIGHT, "supinator")
    left = _mirror(SUPINATOR_RIGHT)
    add("supinator_left", "muscle", "muscles", "left", (left[0], left[1] + 0.05, left[2]), "supinator")
    add("multifidus", "muscle", "muscles", "midline", (MIDLINE, 0.26, 1.50), "multifidus")
    for i, level in enumerate(("C4", "C5", "C6", "C7")):
        z = 1.56 - 0.02 * i
        lm = {"centroid": [MIDLINE, 0.23, z], "superior": [MIDLINE, 0.23, z + 0.008], "inferior": [MIDLINE, 0.23, z - 0.008],
              "spinous_tip": [MIDLINE, 0.26, z], "lamina_right": [MIDLINE - 0.01, 0.245, z], "lamina_left": [MIDLINE + 0.01, 0.245, z]}
        add(f"vertebra_{level.lower()}", "vertebra", "spine", "midline", (MIDLINE, 0.23, z), level=level, landmarks=lm)
    manifest = {"format_version": 1,
                "frame": {"units": "metres", "up": "+Z", "anterior": "-Y", "left": "+X", "midline_x": MIDLINE},
                "source": {"package": "test", "version": "0", "model": "cubes", "licence": "CC0"},
                "structures": structures}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def _write(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def broken(folder: Path, base: dict) -> None:
    def variant(name, change):
        doc = copy.deepcopy(base)
        change(doc)
        _write(folder / f"{name}.json", doc)

    def cond(doc, cid):
        return next(c for c in doc["conditions"] if c["id"] == cid)

    variant("wrong_type", lambda d: d["conditions"][0].__setitem__("name", 42))
    variant("missing_key", lambda d: d["muscles"][1].pop("nerve"))
    variant("unknown_muscle", lambda d: d["conditions"][0]["local_targets"][0].__setitem__("muscle", "extensor_carpi_radialis_brevs"))
    variant("unknown_segment", lambda d: d["conditions"][0]["root_segments"].__setitem__("segments", ["C5", "C6", "C7", "C9"]))
    variant("duplicate_condition", lambda d: d["conditions"].append(copy.deepcopy(d["conditions"][0])))
    variant("unknown_source", lambda d: d["conditions"][0]["references"][0].__setitem__("source", "gunn1967"))
    variant("paraspinal_level", lambda d: d["segments"][5].__setitem__("paraspinal_level", "C6-C7"))
    variant("missing_segment", lambda d: d.__setitem__("segments", [s for s in d["segments"] if s["id"] != "C7"]))
    variant("segment_out_of_range", lambda d: cond(d, "sciatica")["root_segments"].__setitem__("segments", ["L5", "S1", "S3"]))
    variant("point_outside", lambda d: d["conditions"][0]["local_targets"][0]["epicentre"].__setitem__("position", [-0.30, 0.0, 1.10]))
    variant("mirror_outside", lambda d: d["conditions"][0]["local_targets"][1]["epicentre"].__setitem__("position", list(SUPINATOR_RIGHT)))
    variant("bad_enum", lambda d: d["muscles"][0]["roots"][0].__setitem__("contribution", "mayor"))
    variant("unknown_key", lambda d: d["conditions"][0].__setitem__("certainty", "high"))
    variant("root_not_covered", lambda d: cond(d, "sciatica")["root_segments"].pop("left_out"))
    variant("left_out_listed", lambda d: cond(d, "sciatica")["root_segments"]["left_out"][0].__setitem__("segments", ["S1", "S2"]))
    variant("left_out_unsourced", lambda d: cond(d, "sciatica")["root_segments"]["left_out"][0].__setitem__("sources", []))

    def many(d):
        d["conditions"][0]["local_targets"][0]["muscle"] = "no_such_muscle"
        d["conditions"][1]["root_segments"]["derivation"] = "guessed"
        d["conditions"][2]["id"] = d["conditions"][0]["id"]
        d["muscles"][2]["sources"] = ["nowhere"]
        d["segments"][7]["paraspinal_level"] = "C8-T1"
        del d["conditions"][3]["explanation"]
    variant("many_problems", many)

    text = json.dumps(base, indent=1)
    (folder / "truncated.json").write_text(text[: len(text) // 2], encoding="utf-8")
    (folder / "invalid_utf8.json").write_bytes(text.replace('"Sore outer elbow"', '"Sore outer elbow \udcff"', 1)
                                               .encode("utf-8", "surrogateescape"))
    (folder / "empty.json").write_text("", encoding="utf-8")
    (folder / "not_an_object.json").write_text("[1, 2, 3]\n", encoding="utf-8")
    (folder / "deep_nesting.json").write_text('{"schema_version": 1, "x": ' + "[" * 100000 + "]" * 100000 + "}",
                                              encoding="utf-8")
    (folder / "nan.json").write_text(text.replace('"along": 0.3', '"along": NaN'), encoding="utf-8")
    huge = copy.deepcopy(base)
    huge["conditions"][0]["explanation"] = "x" * 300_000
    _write(folder / "huge_string.json", huge)
    (folder / "duplicate_key.json").write_text(text.replace('"name": "Tennis elbow",', '"name": "Tennis elbow", "name": "Tennis elbow",'),
                                               encoding="utf-8")


def user_catalogs(folder: Path) -> None:
    _write(folder / "adds_condition.json", {
        "schema_version": 1,
        "sources": {"clinic_notes": {"citation": "Our clinic's protocol, 2026.", "institution": "Our clinic",
                                     "title": "Needling protocol", "year": 2026}},
        "muscles": [_muscle("flexor_carpi_radialis", "Flexor carpi radialis", "wrist-bending muscle", ["FCR"], "forearm",
                            "Median nerve", [("C6", "major"), ("C7", "major")])],
        "conditions": [{"id": "wrist_pain", "name": "Wrist pain", "aliases": ["sore wrist"], "lay_name": "Sore wrist",
                        "lay_terms": ["typing wrist"], "region": "wrist", "explanation": "Our own entry.",
                        "local_targets": [_target("flexor_carpi_radialis", "Front of the forearm.", "clinic_notes"),
                                          _target("pronator_teres", "Below the inner elbow.", "lasts")],
                        "root_segments": {"segments": ["C6", "C7"], "rationale": "Roots.", "derivation": "derived",
                                          "sources": ["clinic_notes"]},
                        "safety": [], "references": []}]})
    override = copy.deepcopy(next(c for c in small_catalog()["conditions"] if c["id"] == "tennis_elbow"))
    override["name"] = "Tennis elbow (clinic protocol)"
    override["root_segments"]["segments"] = ["C6", "C7", "C8"]
    override["root_segments"]["core"] = ["C7"]
    _write(folder / "overrides_condition.json", {"schema_version": 1, "conditions": [override]})
    _write(folder / "broken_reference.json", {"schema_version": 1, "conditions": [
        {**override, "id": "clinic_elbow", "local_targets": [_target("not_a_muscle", "Somewhere.", "lasts")]}]})
    (folder / "truncated.json").write_text('{"schema_version": 1, "conditions": [', encoding="utf-8")


def main() -> None:
    base = small_catalog()
    _write(HERE / "small_catalog.json", base)
    anatomy(HERE / "anatomy")
    broken(HERE / "broken", base)
    user_catalogs(HERE / "user")


if __name__ == "__main__":
    main()
