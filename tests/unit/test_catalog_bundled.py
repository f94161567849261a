"""The REAL bundled ``site_catalog.json`` (the other tests use small catalogs in tests/data).

Skipped while the file does not exist yet; once it does, it must validate and cover the
conditions the app promises.
"""

from __future__ import annotations

import pytest

from ims_atlas.catalog.validate import validate_file
from ims_atlas.core.paths import bundled_catalog_path, meshes_dir

BUNDLED = bundled_catalog_path()
CONDITION_IDS = [
    "tennis_elbow", "golfers_elbow", "rotator_cuff", "frozen_shoulder", "neck_pain_whiplash", "headache", "jaw_pain",
    "thoracic_pain", "low_back_pain", "sciatica", "piriformis_syndrome", "hip_pain", "knee_pain",
    "achilles_tendinopathy", "plantar_heel_pain", "carpal_tunnel", "de_quervain", "metatarsalgia",
]

pytestmark = pytest.mark.skipif(not BUNDLED.is_file(), reason=f"{BUNDLED} not written yet")


def _errors(problems):
    return [str(p) for p in problems if p.severity == "error"]


def test_bundled_catalog_validates():
    assert _errors(validate_file(BUNDLED)) == []


def test_bundled_catalog_validates_against_the_bundled_meshes():
    manifest = meshes_dir() / "manifest.json"
    if not manifest.is_file():
        pytest.skip("no baked meshes")
    assert _errors(validate_file(BUNDLED, manifest)) == []


def test_bundled_catalog_covers_the_18_conditions():
    from ims_atlas.catalog.load import load_catalog

    catalog = load_catalog(BUNDLED)
    missing = [c for c in CONDITION_IDS if not catalog.has_condition(c)]
    assert missing == []


def test_bundled_catalog_search_finds_conditions_by_name():
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.catalog.search import CatalogSearch

    catalog = load_catalog(BUNDLED)
    search = CatalogSearch(catalog)
    for c in catalog.conditions:
        assert search.search(c.name)[0].id == c.id, c.name
    for query, cid in [("tenis elbo", "tennis_elbow"), ("sciatca", "sciatica"), ("plantar fascitis", "plantar_heel_pain")]:
        assert search.search(query, kinds=["condition"])[0].id == cid, query


# Every muscle named in ../shared/research/conditions.md and segments.md (issue 4), by catalog id.
# Named groups without a single muscle (intercostals, abdominal wall, hypothenar, diaphragm) and the
# eye muscles named for headache (superior oblique, lateral rectus) are not listed.
RESEARCH_MUSCLES = [
    "extensor_carpi_radialis_brevis", "extensor_carpi_radialis_longus", "brachioradialis", "supinator",
    "extensor_digitorum", "biceps_brachii", "triceps_brachii", "pronator_teres", "flexor_carpi_radialis",
    "palmaris_longus", "flexor_digitorum_superficialis", "flexor_digitorum_profundus", "flexor_carpi_ulnaris",
    "supraspinatus", "infraspinatus", "teres_minor", "teres_major", "deltoid", "subscapularis", "trapezius",
    "levator_scapulae", "splenius_capitis", "semispinalis_capitis", "multifidus", "sternocleidomastoid", "scalenes",
    "suboccipitals", "masseter", "temporalis", "lateral_pterygoid", "rhomboid_major", "rhomboid_minor",
    "iliocostalis_lumborum", "longissimus_thoracis", "quadratus_lumborum", "gluteus_medius", "gluteus_minimus",
    "gluteus_maximus", "tensor_fasciae_latae", "psoas_major", "iliacus", "piriformis", "biceps_femoris_long_head",
    "biceps_femoris_short_head", "semitendinosus", "semimembranosus", "sartorius", "gracilis", "adductor_longus",
    "adductor_brevis", "adductor_magnus", "rectus_femoris", "vastus_lateralis", "vastus_medialis", "vastus_intermedius",
    "gastrocnemius", "soleus", "tibialis_anterior", "tibialis_posterior", "fibularis_longus", "fibularis_brevis",
    "extensor_hallucis_longus", "extensor_digitorum_longus", "flexor_hallucis_longus", "flexor_digitorum_longus",
    "abductor_hallucis", "flexor_digitorum_brevis", "flexor_hallucis_brevis", "quadratus_plantae", "adductor_hallucis",
    "abductor_pollicis_brevis", "opponens_pollicis", "flexor_pollicis_brevis", "pronator_quadratus",
    "abductor_pollicis_longus", "extensor_pollicis_brevis", "lumbricals_hand", "interossei_hand",
]

# Local targets the research links to each condition (conditions.md), added in issue 4.
RESEARCH_TARGETS = {
    "tennis_elbow": ["biceps_brachii", "triceps_brachii"],
    "headache": ["temporalis"],
    "jaw_pain": ["masseter", "temporalis", "lateral_pterygoid"],
    "knee_pain": ["sartorius", "gracilis", "semitendinosus"],
    "achilles_tendinopathy": ["gastrocnemius", "soleus", "tibialis_posterior"],
    "plantar_heel_pain": ["adductor_hallucis"],
    "metatarsalgia": ["extensor_hallucis_longus", "extensor_digitorum_longus", "flexor_hallucis_longus",
                      "flexor_digitorum_longus", "adductor_hallucis"],
    "carpal_tunnel": ["pronator_quadratus", "flexor_pollicis_brevis"],
}


def _bundled():
    from ims_atlas.catalog.load import load_catalog

    return load_catalog(BUNDLED)


def test_bundled_catalog_has_every_research_muscle_with_sources():
    catalog = _bundled()
    missing = [m for m in RESEARCH_MUSCLES if not catalog.has_muscle(m)]
    assert missing == []
    for mid in RESEARCH_MUSCLES:
        muscle = catalog.muscle(mid)
        assert muscle.sources and all(catalog.source(s) is not None for s in muscle.sources), mid


def test_bundled_catalog_spinal_muscles_have_roots_and_cranial_ones_do_not():
    catalog = _bundled()
    for mid in RESEARCH_MUSCLES:
        muscle = catalog.muscle(mid)
        if muscle.cranial_nerve and not muscle.roots:
            continue
        assert muscle.root_segments("major"), mid
    for mid in ("temporalis", "lateral_pterygoid"):
        assert catalog.muscle(mid).roots == () and "V3" in catalog.muscle(mid).cranial_nerve


def test_bundled_catalog_new_roots_match_the_sources_read():
    catalog = _bundled()
    expected = {
        "palmaris_longus": ("C7", "C8"), "pronator_quadratus": ("C7", "C8", "T1"), "biceps_brachii": ("C5", "C6", "C7"),
        "triceps_brachii": ("C6", "C7", "C8", "T1"), "sartorius": ("L2", "L3", "L4"), "gracilis": ("L2", "L3", "L4"),
        "extensor_hallucis_longus": ("L4", "L5", "S1"), "tibialis_posterior": ("L4", "L5", "S1"),
        "biceps_femoris_short_head": ("L5", "S1", "S2"), "adductor_hallucis": ("S1", "S2", "S3"),
        "scalenes": ("C3", "C4", "C5", "C6", "C7", "C8"), "abductor_hallucis": ("S1", "S2", "S3"),
    }
    for mid, segments in expected.items():
        assert catalog.muscle(mid).root_segments() == segments, mid
    assert catalog.muscle("triceps_brachii").root_segments("major") == ("C7",)
    assert catalog.muscle("extensor_hallucis_longus").root_segments("minor") == ("L4",)


def test_bundled_catalog_disputed_roots_carry_a_disagreement_note():
    catalog = _bundled()
    for mid in ("sartorius", "gracilis", "biceps_brachii", "triceps_brachii", "tibialis_posterior", "flexor_hallucis_longus",
                "flexor_digitorum_longus", "extensor_hallucis_longus", "extensor_digitorum_longus", "fibularis_brevis",
                "adductor_hallucis", "pronator_quadratus", "scalenes", "abductor_hallucis", "flexor_digitorum_brevis", "flexor_hallucis_brevis",
                "piriformis", "brachioradialis", "extensor_carpi_radialis_brevis", "supraspinatus", "subscapularis"):
        assert catalog.muscle(mid).disagreement, mid


def test_bundled_catalog_multifidus_reaches_the_sacrum():
    # Gray's (Standring 2020): the sacral multifidus is supplied by the medial branches of the S1-S3 dorsal rami,
    # so S1 and S2 have a paraspinal muscle of their own (issue 17).
    catalog = _bundled()
    assert {"S1", "S2", "S3"} <= set(catalog.muscle("multifidus").root_segments("major"))
    for seg in ("S1", "S2"):
        assert "multifidus" in catalog.segment(seg).paraspinal_muscles, seg


def test_bundled_catalog_conditions_have_the_researched_targets():
    catalog = _bundled()
    for cid, muscles in RESEARCH_TARGETS.items():
        targets = {t.muscle for t in catalog.condition(cid).local_targets}
        assert set(muscles) <= targets, (cid, set(muscles) - targets)


def test_bundled_catalog_aliases_find_the_new_muscles():
    from ims_atlas.catalog.search import CatalogSearch

    search = CatalogSearch(_bundled())
    for query, mid in [("EHL", "extensor_hallucis_longus"), ("peroneus brevis", "fibularis_brevis"), ("FHL", "flexor_hallucis_longus"),
                       ("tib post", "tibialis_posterior"), ("triceps", "triceps_brachii"), ("tailor's muscle", "sartorius")]:
        assert search.search(query, kinds=["muscle"])[0].id == mid, query


def _muscles_on_fewer_than_two_sources(doc: dict) -> list[str]:
    """Muscles that give roots but cite fewer than two different sources that the catalog defines."""
    defined = set(doc.get("sources", {}))
    return [m["id"] for m in doc["muscles"]
            if m.get("roots") and len({s for s in m.get("sources", []) if s in defined}) < 2]


def test_every_muscle_s_nerve_and_roots_rest_on_at_least_two_sources():
    """Issue 17: every muscle's nerve and roots re-audited against at least two reliable sources.

    Not a validator rule: counting citations is only a proxy for reliability, and a clinic's own
    catalog may rightly cite one textbook; the bundled catalog is held to it here."""
    import copy
    import json

    doc = json.loads(BUNDLED.read_text(encoding="utf-8"))
    assert _muscles_on_fewer_than_two_sources(doc) == []
    broken = copy.deepcopy(doc)
    broken["muscles"][0]["sources"] = broken["muscles"][0]["sources"][:1] * 2  # one source, twice
    assert _muscles_on_fewer_than_two_sources(broken) == [doc["muscles"][0]["id"]]


@pytest.mark.parametrize(("query", "condition"), [
    ("knee osteoarthritis", "knee_osteoarthritis"), ("hip osteoarthritis", "hip_osteoarthritis"),
    ("fibromyalgia", "fibromyalgia"), ("scoliosis", "scoliosis"),
    ("subacromial bursitis", "subacromial_pain"), ("trochanteric bursitis", "hip_pain"),
    ("pes anserine bursitis", "pes_anserine_pain"), ("cervical disc disease", "cervical_radiculopathy"),
    ("cervical radiculopathy", "cervical_radiculopathy"), ("cervical spondylosis", "cervical_radiculopathy"),
    ("cervical disc herniation", "cervical_disc_herniation"), ("lumbar disc herniation", "lumbar_disc_herniation"),
    ("slipped disc", "lumbar_disc_herniation"), ("migraine", "migraine"), ("headache", "headache"),
])
def test_every_condition_the_clinics_name_has_a_plan_with_contraindications_and_red_flags(query, condition, capsys):
    import json

    from ims_atlas.cli import main

    assert main(["plan", query, "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["condition"]["id"] == condition
    assert plan["contraindications"] and plan["red_flags"]
    assert all(item.get("sources") for item in (*plan["contraindications"], *plan["red_flags"]))
