"""Draw groups: which composite actor draws each structure (pure)."""

from ims_atlas.scene.draw_groups import ZONED_LAYERS, draw_group, group_layer, partition


def test_every_bundled_muscle_falls_in_a_named_zone(manifest):
    # A region missing from ZONES would put its muscles in "other", a group that a switch
    # anywhere in the body might touch; add new regions to ZONES.
    others = sorted(s.id for s in manifest if s.layer in ZONED_LAYERS and "/other/" in draw_group(s))
    assert others == []


def test_groups_split_the_muscles_by_zone_and_side_and_keep_other_layers_whole(manifest):
    groups = partition(list(manifest))
    assert sum(len(v) for v in groups.values()) == len(list(manifest))
    for name, members in groups.items():
        assert {s.layer for s in members} == {group_layer(name)}
        if group_layer(name) not in ZONED_LAYERS:
            assert name == group_layer(name)
        else:
            assert len({s.side if s.side in ("left", "right") else "midline" for s in members}) == 1
    muscle_groups = [g for g in groups if group_layer(g) == "muscles"]
    # Few enough actors to keep frames cheap, enough that a switch rebuilds a small part.
    assert 8 <= len(muscle_groups) <= 20
    assert max(len(groups[g]) for g in muscle_groups) <= 0.25 * sum(len(groups[g]) for g in muscle_groups)


def test_group_layer_reads_coarse_and_zoned_names():
    assert group_layer("muscles/trunk/left:coarse") == "muscles"
    assert group_layer("bones") == "bones"
    assert group_layer("nerves:coarse") == "nerves"
