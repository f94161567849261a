"""Segmental-study sub-commands: ``assess`` (find the segment from examination findings).

Nothing here imports Qt or VTK; the study modules are imported inside the handlers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ims_atlas.cli.catalog_commands import EXIT_DATA, EXIT_NO_MATCH, _catalog, _err, _resolve, _show


def register(sub: argparse._SubParsersAction) -> None:
    """Add the study sub-commands to the parser."""
    p = sub.add_parser(
        "assess", help="rank the root segments that explain tender muscles and Gunn's signs",
        description="Rank the root segments that explain the examination: each marked muscle counts for its "
                    "roots (major 1, minor 0.5, +0.5 for a published indicator muscle), each sign for the segment "
                    "it was found at. A ranking of hypotheses to examine, not a diagnosis; nothing is stored.")
    p.add_argument("--muscle", action="append", default=[], metavar="NAME[:left|right]",
                   help="a muscle found tender or banded (repeatable); any name or alias")
    p.add_argument("--sign", action="append", default=[], metavar="NAME:SEGMENT",
                   help="one of Gunn's signs at a segment, e.g. trophoedema:C6 (repeatable; optional :left/:right)")
    p.add_argument("--catalog", metavar="FILE", type=Path, default=argparse.SUPPRESS,
                   help="a user catalog merged over the bundled one")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--clinician-sheet", metavar="FILE", type=Path, default=None,
                   help="also write the findings and the ranked segments with their reasoning as a clinician "
                        "sheet (FILE.pdf); the only file the findings go into")
    p.add_argument("--force", action="store_true", help="replace the clinician sheet if it exists")
    p.set_defaults(handler=run_assess)

    p = sub.add_parser(
        "danger", help="the structures a plan's safety notes warn of, with their depth from the skin",
        description="For a condition's plan: at each needle site, the structures its safety notes name (lung, "
                    "kidney, vertebral artery, named nerves and arteries) with their distance from the skin, "
                    "measured on the meshes; those the anatomy lacks are listed as not measured. Distances on "
                    "one model body, not safe depths.")
    p.add_argument("query", nargs="+", metavar="QUERY")
    p.add_argument("--side", choices=("left", "right", "both"), default="right", help="default: right")
    p.add_argument("--catalog", metavar="FILE", type=Path, default=argparse.SUPPRESS,
                   help="a user catalog merged over the bundled one")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(handler=run_danger)

    p = sub.add_parser(
        "structure", help="a bone, vertebra, nerve, root, vessel, organ or the spinal cord: what the data says of it",
        description="Find one of the anatomy's structures by name ('spinal cord', 'C6 vertebra', 'sciatic nerve', "
                    "'lung'; a catalog muscle is a muscle: use 'muscle') and print what it is, where, a root's "
                    "segment, a nerve's muscles in the catalog, the plans whose safety notes warn of it and where "
                    "its mesh comes from. Exit 2 when nothing (or more than one structure equally) matches.")
    p.add_argument("query", nargs="+", metavar="NAME")
    p.add_argument("--side", choices=("left", "right", "both"), default="right",
                   help="which side's structure of a pair (default: right; both: one entry per side)")
    p.add_argument("--manifest", type=Path, metavar="FILE", help="the anatomy manifest (default: the bundled one)")
    p.add_argument("--catalog", metavar="FILE", type=Path, default=argparse.SUPPRESS,
                   help="a user catalog merged over the bundled one")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(handler=run_structure)


def _split_side(text: str) -> tuple[str, str]:
    """``"deltoid:right"`` -> ``("deltoid", "right")``; the side is checked by the caller."""
    name, sep, side = text.rpartition(":")
    return (name, side) if sep else (text, "")


def _muscle_id(catalog, name: str, text: str, flag: str = "--muscle") -> str | None:
    """The muscle a name means, never a fuzzy guess (a finding must name what was examined)."""
    from ims_atlas.catalog.search import CatalogSearch

    if catalog.has_muscle(name):
        return name
    search = CatalogSearch(catalog)
    hits = [h for h in search.search(name, limit=5, kinds=["muscle"]) if h.score > 0.25]
    if not hits:
        close = search.closest(name, 3, kinds=["muscle"])
        hint = "; did you mean: " + ", ".join(f"{h.label} ({h.id})" for h in close) if close else ""
        _err(f"{flag} {text!r}: no muscle is called {name!r}{hint}")
        return None
    return _resolve(catalog, name.split(), "muscle")


def parse_findings(catalog, muscles: list[str], signs: list[str], muscle_flag: str = "--muscle",
                   sign_flag: str = "--sign"):
    """The :class:`~ims_atlas.study.assessment.Findings` the flags name, or None (said on
    stderr, naming the flag and the value) if one names no muscle, sign, segment or side.
    """
    from ims_atlas.study.assessment import FindingError, Findings, MuscleFinding, parse_side, parse_sign

    found = []
    try:
        for text in muscles:
            name, side = _split_side(text)
            parsed_side = parse_side(side, f"{muscle_flag} {text!r}")
            if not name.strip():
                _err(f"{muscle_flag} {text!r}: no muscle name")
                return None
            muscle_id = _muscle_id(catalog, name.strip(), text, muscle_flag)
            if muscle_id is None:
                return None
            found.append(MuscleFinding(muscle_id, parsed_side))
        parsed_signs = tuple(parse_sign(t) for t in signs)
    except FindingError as exc:
        message = str(exc)
        _err(f"{sign_flag} {message[5:]}" if message.startswith("sign ") else message)
        return None
    return Findings(tuple(dict.fromkeys(found)), tuple(dict.fromkeys(parsed_signs)))


def run_assess(args: argparse.Namespace) -> int:
    """``ims-atlas assess --muscle NAME[:side] ... [--sign NAME:SEGMENT ...] [--json]
    [--clinician-sheet FILE.pdf [--force]]``.
    """
    from ims_atlas.study.assessment import assess
    from ims_atlas.study.assessment_views import assessment_text, assessment_view

    if not args.muscle and not args.sign:
        _err("assess: give at least one --muscle NAME[:left|right] or --sign NAME:SEGMENT")
        return EXIT_NO_MATCH
    sheet = getattr(args, "clinician_sheet", None)
    if sheet is not None:
        from ims_atlas.export.formats import ExportError, check_output

        try:
            if check_output(sheet, force=args.force) != "pdf":
                raise ExportError(f"{sheet}: a clinician sheet must be a .pdf file")
        except ExportError as exc:
            _err(f"assess: {exc}; nothing was written")
            return EXIT_DATA
    catalog = _catalog(args)
    if catalog is None:
        return EXIT_DATA
    findings = parse_findings(catalog, args.muscle, args.sign)
    if findings is None:
        return EXIT_NO_MATCH
    result = assess(catalog, findings)
    status = _show(args, assessment_view(result), assessment_text)
    if sheet is not None:
        return _write_sheet(sheet, result, catalog, args.force)
    return status


def _write_sheet(path: Path, result, catalog, force: bool) -> int:
    """Write the findings-only clinician sheet; say so on stderr (stdout holds the ranking)."""
    from ims_atlas.core.settings import load_settings
    from ims_atlas.export.formats import ExportError
    from ims_atlas.export.handout import export_assessment_sheet
    from ims_atlas.study.assessment_views import sheet_view

    settings, _ = load_settings()
    try:
        for warning in export_assessment_sheet(path, sheet_view(result, catalog), settings.clinic,
                                               catalog.catalog_version, force=force):
            _err(f"note: {warning}")
    except ExportError as exc:
        _err(f"assess: cannot write {path}: {exc}; nothing was written")
        return EXIT_DATA
    _err(f"saved {path} (clinician sheet: the findings and the segments that explain them)")
    return 0


def dermatome_not_painted() -> list[dict]:
    """The ``dermatome_not_painted`` list of ``segment --json``: the published maps left unpainted, and why."""
    from ims_atlas.study.dermatomes import bundled_maps, not_painted_view

    return not_painted_view(bundled_maps())


def dermatome_entries(segment: str) -> list[dict]:
    """The ``dermatome`` list of ``segment --json``: one entry per map (areas on the baked skin).

    Without a baked skin (or with a broken one) the areas are null and the reason is given.
    """
    from ims_atlas.core.errors import DataError
    from ims_atlas.study.dermatomes import bundled_maps, dermatome_view, load_painted_skin

    try:
        skin = load_painted_skin()
    except DataError as exc:
        _err(f"dermatome areas left out: {exc.problems[0].message}")
        skin = None
    return dermatome_view(segment, skin, bundled_maps())


def skin_scene(manifest, size: tuple[int, int], map_id: str, segment: str | None, side: str = "both"):
    """An off-screen scene with the translucent skin and ``segment``'s dermatome from ``map_id``
    drawn on it, and its legend entries, for ``export --dermatome``; None (reported) if the map
    or the skin is missing. The dermatome of the picture's ``side`` (left, right or both) is
    framed with the targets (the L5 dermatome runs to the big toe, below the muscles).
    """
    from ims_atlas.core.errors import DataError
    from ims_atlas.export.annotations import dermatome_legend
    from ims_atlas.export.render import OffscreenScene
    from ims_atlas.scene.skin_layer import SkinLayer
    from ims_atlas.study.dermatomes import bundled_maps, load_painted_skin

    maps = bundled_maps()
    if map_id not in {m.id for m in maps.maps}:
        unpainted = maps.not_painted_map(map_id)
        painted = ", ".join(m.id for m in maps.maps)
        if unpainted is not None:
            _err(f"--dermatome {map_id!r}: {unpainted.name} is not painted. {unpainted.why} "
                 f"The painted maps are {painted}")
        else:
            _err(f"--dermatome {map_id!r}: no such map; the maps are {painted}")
        return None
    if segment is None:
        _err("--dermatome needs a segment picture (e.g. 'export C6 --dermatome isncsci')")
        return None
    try:
        skin = load_painted_skin()
    except DataError as exc:
        _err(f"--dermatome: {exc.problems[0].message}")
        return None
    scene = OffscreenScene(manifest, size)
    SkinLayer(scene.plotter).show(skin, map_id, segment, render=False)
    scene.frame_also = dermatome_points(skin, map_id, segment, side)
    return scene, dermatome_legend(segment, maps.get(map_id).name)


def dermatome_points(skin, map_id: str, segment: str, side: str):
    """The skin vertices painted with ``segment`` in ``map_id`` on ``side`` (left, right or both)."""
    from ims_atlas.study.dermatomes import SIDES

    if segment not in skin.segments or map_id not in skin.labels:
        return skin.points[:0]
    mask = skin.vertex_mask(map_id, segment)
    if side in SIDES:
        mask &= skin.side_of_vertices() == SIDES.index(side)
    return skin.points[mask]


def referred_scene(manifest, catalog, size: tuple[int, int], condition_id: str | None, side: str):
    """An off-screen scene with the plan's referred-pain zones painted on the translucent skin,
    and the legend entries that tell a zone from the muscle itself, for ``export
    --referred-pain``; None (reported) without a plan or a skin. The targets that have no
    published zone are named on stderr.
    """
    import numpy as np

    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.core.errors import DataError
    from ims_atlas.export.annotations import referred_legend
    from ims_atlas.export.render import OffscreenScene
    from ims_atlas.scene.skin_layer import SkinLayer
    from ims_atlas.study.body_landmarks import BodyFrame
    from ims_atlas.study.dermatomes import load_painted_skin
    from ims_atlas.study.referred_pain import bundled_referred_pain, zone_mask

    if condition_id is None:
        _err("--referred-pain needs a condition's picture (e.g. 'export \"tennis elbow\" --referred-pain')")
        return None
    try:
        skin = load_painted_skin()
    except DataError as exc:
        _err(f"--referred-pain: {exc.problems[0].message}")
        return None
    table, body = bundled_referred_pain(), BodyFrame(manifest)
    mask = np.zeros(len(skin.points), dtype=bool)
    for t in treatment_plan(catalog, manifest, condition_id, side).local_targets:
        zone = table.get(t.muscle.id)
        try:
            if zone is None:
                raise KeyError(table.not_included.get(t.muscle.id, "no published referral map in the sources read"))
            mask |= zone_mask(skin, body, zone, t.side)
        except KeyError as exc:
            _err(f"note: no referred-pain zone drawn for {t.muscle.name}: {exc.args[0]}")
    scene = OffscreenScene(manifest, size)
    SkinLayer(scene.plotter).show(skin, None, None, render=False, zones=mask)
    return scene, referred_legend()


def add_referred_pain(view: dict, manifest, catalog) -> None:
    """Give each local target of a ``plan --json`` view its ``referred_pain``: the zone's
    description, skin area and sources, or, where no published referral was read, only
    ``left_out`` saying why.
    """
    from ims_atlas.core.errors import DataError
    from ims_atlas.study.body_landmarks import BodyFrame
    from ims_atlas.study.dermatomes import load_painted_skin
    from ims_atlas.study.referred_pain import bundled_referred_pain, referred_view

    table = bundled_referred_pain()
    try:
        skin = load_painted_skin() if manifest is not None else None
    except DataError:
        skin = None
    body = BodyFrame(manifest) if manifest is not None else None
    for target in view.get("local_targets", []):
        muscle_id = target["muscle"]["id"]
        entry = referred_view(muscle_id, target["side"], skin, body, table)
        if entry is not None:
            entry["sources"] = [_source_ref(catalog, s) for s in entry["sources"]]
        else:
            entry = {"description": None, "area_cm2": None, "sources": [],
                     "left_out": table.not_included.get(muscle_id, "no published referral map in the sources read")}
        target["referred_pain"] = entry


def _source_ref(catalog, source_id: str) -> dict:
    src = catalog.source(source_id)
    return {"id": source_id, "citation": src.citation if src else None, "url": src.url if src else None}


def run_danger(args: argparse.Namespace) -> int:
    """``ims-atlas danger QUERY [--side S] [--json]``: depths of the warned-of structures."""
    from ims_atlas.catalog.plan import treatment_plan
    from ims_atlas.cli.catalog_commands import _manifest
    from ims_atlas.core.errors import DataError
    from ims_atlas.study.danger_zones import danger_report, danger_view
    from ims_atlas.study.dermatomes import load_painted_skin

    catalog = _catalog(args)
    if catalog is None:
        return EXIT_DATA
    condition_id = _resolve(catalog, args.query, "condition")
    if condition_id is None:
        return EXIT_NO_MATCH
    manifest = _manifest(args)
    if manifest is None:
        _err("danger: the anatomy could not be loaded; nothing measured")
        return EXIT_DATA
    try:
        skin = load_painted_skin()
        view = danger_view(danger_report(treatment_plan(catalog, manifest, condition_id, args.side), manifest, skin))
    except DataError as exc:
        _err(f"danger: not measured: {exc.problems[0].message}")
        return EXIT_DATA
    view = {"condition": condition_id, "side": args.side, **view}
    return _show(args, view, danger_text)


def danger_text(view: dict) -> str:
    """The danger report in plain text."""
    from ims_atlas.study.danger_zones import unmeasured_at

    lines = [f"{view['condition']} ({view['side']}): structures the safety notes name: "
             + (", ".join(view["hazards_named"]) or "none")]
    for s in view["sites"]:
        near = "; ".join(f"{m['hazard']} {m['depth_from_skin_cm']:g} cm from the skin "
                         f"({m['from_target_cm']:g} cm from the target)" for m in s["near"])
        unmeasured = unmeasured_at(view["not_measured"], s["target"])
        if unmeasured:  # never "nothing within 8 cm" where a hazard could not be measured
            near = "; ".join(filter(None, [near, ", ".join(unmeasured) + " not measured here (see below)"]))
        near = near or "nothing within 8 cm"
        lines.append(f"- {s['target']} ({s['side']}), target {s['target_depth_cm']:g} cm deep: {near}")
    for k, v in view["not_measured"].items():
        lines.append(f"Not measured: {k}: {v}")
    for k, v in view.get("in_people", {}).items():
        lines.append(f"In people, {k}: {v}")
    lines.append(f"Note: {view['note']}")
    return "\n".join(lines)


def run_structure(args: argparse.Namespace) -> int:
    """``ims-atlas structure NAME``: one of the anatomy's structures and what the data says of it."""
    from ims_atlas.cli.catalog_commands import _manifest
    from ims_atlas.study.structure_facts import structure_facts

    manifest = _manifest(args)
    if manifest is None:
        _err("no anatomy manifest: run scripts/build_meshes.py, or give --manifest FILE")
        return EXIT_DATA
    catalog = _catalog(args)
    if catalog is None:
        return EXIT_DATA
    query = " ".join(args.query)
    found = find_structure(manifest, catalog, query)
    if found is None:
        return EXIT_NO_MATCH
    best, matched = found
    view = {"query": query, "matched": matched, "found_as": best.id, "name": best.name, "side": args.side,
            "structures": [structure_facts(sid, manifest, catalog, named=best) for sid in best.on_side(args.side)]}
    return _show(args, view, structure_text)


def find_structure(manifest, catalog, query: str, err=None):
    """The structure (:class:`~ims_atlas.anatomy.structure_names.NamedStructure`) a name finds,
    as the window's search box finds it, with the name it matched; None when nothing or more
    than one structure equally matches (said with ``err``, the closest names suggested).
    """
    from ims_atlas.anatomy.structure_names import named_structures
    from ims_atlas.catalog.search import CatalogSearch
    from ims_atlas.core.plain_text import echo

    err = err or _err
    named = {n.id: n for n in named_structures(manifest, {m.id for m in catalog.muscles})}
    search = CatalogSearch(catalog, named.values())
    hits = search.search(query, limit=5, kinds=["structure"])
    if not hits:
        muscle = search.search(query, limit=1, kinds=["muscle"])
        hint = (f"; {muscle[0].label} is a muscle: ims-atlas muscle {muscle[0].id}" if muscle and muscle[0].score > 0.75
                else "")
        near = search.closest(query, 3, kinds=["structure"])
        if near and not hint:
            hint = "; did you mean: " + ", ".join(h.label for h in near)
        err(f"no structure matches {echo(query)}{hint}")
        return None
    ties = [h for h in hits if h.score == hits[0].score]
    if len(ties) > 1:
        err(f"{echo(query)} matches several structures equally: {', '.join(h.label for h in ties)}; be more specific")
        return None
    return named[hits[0].id], hits[0].matched


def structure_text(view: dict) -> str:
    """``ims-atlas structure``'s text: each structure's facts, in lines."""
    lines = []
    for f in view["structures"]:
        lines.append(f"{f['name']}: {f['kind_words']}, {f['region']}" + (" (drawn on request: Study > Organs and "
                                                                           "vessels)" if f["on_request"] else ""))
        if f.get("other_names"):
            lines.append(f"  also called: {', '.join(f['other_names'])}")
        if "segment" in f:
            lines.append(f"  root of segment {f['segment']} (ims-atlas segment {f['segment']})")
        if f.get("paraspinal_segments"):
            lines.append("  needled beside it for: " + ", ".join(f"{p['segment']} (at {p['paraspinal_level']})"
                                                              for p in f["paraspinal_segments"]))
        if "supplies" in f:
            lines.append("  muscles the catalog says it supplies:" if f["supplies"] else
                         "  no muscle in the catalog names this nerve as its supply (its branches, under their own "
                         "names, may be)")
            for m in f["supplies"]:
                roots = ", ".join(r["segment"] if r["contribution"] == "major" else f"({r['segment']})"
                                  for r in m["roots"])
                lines.append(f"    {m['name']} ({m['nerve']}; roots {roots or '-'})")
            lines.append("  (the anatomy data does not give the nerve's roots)")
        for zone in f["danger_zones"]:
            regions = sorted({c["region"] for c in zone["conditions"] if c["region"]})
            lines.append(f"  danger zone ({zone['hazard']}): warned of in the safety notes of "
                         f"{len(zone['conditions'])} plans ({', '.join(regions)})")
        lines.append(f"  anatomy: {f['source'] or 'no source given'}")
    return "\n".join(lines)
