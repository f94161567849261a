"""Draw groups: which composite actor draws each structure (pure)."""

from ims_atlas.scene.draw_groups import ZONED_LAYERS, ZONES, draw_group, partition


def test_every_bundled_muscle_falls_in_a_named_zone(manifest):
    # A region missing from ZONES would put its muscles in "other", a group that a switch
    # anywhere in the body might touch; add new regions to ZONES.
    others = sorted(s.id for s in manifest if s.layer in ZONED_LAYERS and "/other" in draw_group(s, "coarse"))
    assert others == []


def test_coarse_copies_are_split_by_zone_and_full_surfaces_kept_whole_per_layer(manifest):
    structures = list(manifest)
    full = partition(structures)
    assert sorted(full) == sorted({s.layer for s in structures})
    coarse = partition([s for s in structures if s.layer == "muscles"], "coarse")
    assert all(name.startswith("muscles/") and name.endswith(":coarse") for name in coarse)
    assert len(coarse) == len(set(ZONES.values()))
    for name, members in coarse.items():
        assert {ZONES[s.region] for s in members} == {name.split("/")[1].split(":")[0]}
    # Few enough actors to keep frames and memory small, enough that a switch rebuilds a part.
    assert max(len(m) for m in coarse.values()) <= 0.4 * sum(len(m) for m in coarse.values())

