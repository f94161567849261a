"""``ims-atlas export``: an annotated picture (.png) or a patient handout (.pdf), off screen.

Exit status: 0 written; 1 the output cannot be written (unknown suffix, missing or read-only
folder, file exists without ``--force``; all checked before rendering), the data cannot be
loaded, or rendering failed; 2 the query matched nothing (closest suggestions on stderr);
3 written, but incomplete or misplaced (a target's mesh missing or broken, a needle point off
the body, a damaged anatomy manifest): the warnings on stderr say what.
Heavy modules (VTK, Pillow, ReportLab) are imported inside the handler only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ims_atlas.core.plain_text import MAX_CLINIC_NAME, MAX_PATIENT_NAME, one_line

EXIT_OK, EXIT_FAILED, EXIT_NO_MATCH, EXIT_INCOMPLETE = 0, 1, 2, 3


def _size(text: str) -> tuple[int, int]:
    from ims_atlas.export.formats import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _bounded(flag: str, limit: int):
    """An argparse type: one line of text of at most ``limit`` characters (the settings' limit)."""

    def text(value: str) -> str:
        if len(value) > limit:
            raise argparse.ArgumentTypeError(f"at most {limit} characters (this one has {len(value)})")
        return one_line(value)

    text.__name__ = flag.lstrip("-").replace("-", " ")
    return text


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` sub-command to the parser."""
    p = sub.add_parser(
        "export",
        help="save an annotated picture (.png) or a patient handout (.pdf), without a display",
        description="Render a condition's treatment plan off screen and save it: FILE.png is an annotated "
                    "picture (title, labels, legend, clinic name), FILE.pdf an A4 large-print patient handout. "
                    "QUERY is any condition name, alias or lay term, or a segment such as C6 (pictures only); "
                    "--structure NAME instead pictures one of the anatomy's structures as the window shows it "
                    "found by name (lit, labelled, framed, its anatomy's source credited).",
    )
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--structure", metavar="NAME", default=None,
                   help="instead of QUERY: a bone, vertebra, nerve, root, organ, vessel or the spinal cord, found "
                        "as 'ims-atlas structure NAME' finds it (pictures only; a pair's --side, default right)")
    # SUPPRESS: these options also exist before the sub-command (the window's); an unset one
    # here must not overwrite a value given there.
    p.add_argument("--side", choices=("left", "right", "both"), default=argparse.SUPPRESS,
                   help="which side to treat (default: right, as for plan and the window's --condition; "
                        "both for a segment and for widespread pain such as fibromyalgia)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file to write: .png or .pdf")
    p.add_argument("--size", type=_size, metavar="WxH", default=argparse.SUPPRESS,
                   help="picture size in pixels, e.g. 1920x1080 (default: --preset)")
    p.add_argument("--preset", choices=("slides", "a4"), default="slides",
                   help="picture size: slides 1920x1080 (default) or a4 2480x3508 (A4 at 300 dpi)")
    p.add_argument("--transparent", action="store_true", help="transparent background (pictures only)")
    p.add_argument("--clinic-name", metavar="TEXT", default=None, type=_bounded("--clinic-name", MAX_CLINIC_NAME),
                   help="the clinic's name on the export (default: the one in your settings)")
    p.add_argument("--patient-name", metavar="TEXT", default=None, type=_bounded("--patient-name", MAX_PATIENT_NAME),
                   help="printed on the handout only; never stored, never written into pictures or metadata")
    p.add_argument("--clinician-sheet", action="store_true",
                   help="with a .pdf handout: also write the clinician sheet (references, nerves and roots, "
                        "contraindications and red flags in clinical words) as FILE-clinician.pdf")
    p.add_argument("--assess-muscle", action="append", default=[], metavar="NAME[:left|right]",
                   help="with --clinician-sheet: a muscle found tender or banded (repeatable); the sheet then "
                        "holds the findings and the segments that explain them, ranked as 'ims-atlas assess' does")
    p.add_argument("--assess-sign", action="append", default=[], metavar="NAME:SEGMENT",
                   help="with --clinician-sheet: one of Gunn's signs at a segment, e.g. trophoedema:C6 (repeatable)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--catalog", metavar="FILE", type=Path, default=argparse.SUPPRESS,
                   help="a user catalog merged over the bundled one")
    p.add_argument("--dermatome", metavar="MAP", default=None,
                   help="for a segment picture: draw the translucent skin with the segment's dermatome from "
                        "MAP (isncsci or keegan_garrett; Lee et al. 2008's evidence-based map is not painted, "
                        "'segment C6 --json' says why)")
    p.add_argument("--referred-pain", action="store_true",
                   help="for a condition's picture: paint each local target's referred-pain zone on the translucent "
                        "skin (the legend tells the zone from the muscle itself)")
    p.set_defaults(handler=run_export)


def _err(message: str) -> None:
    print(f"ims-atlas export: {message}", file=sys.stderr)


def _segment_of(words: list[str]) -> str | None:
    """The segment a query names (``C6``, ``c 6``, ``L5 root``), if it names one the catalog covers."""
    from ims_atlas.cli.catalog_commands import segment_named
    from ims_atlas.core.ids import CATALOG_SEGMENTS

    name = segment_named(words)
    return name if name in CATALOG_SEGMENTS else None


def run_export(args: argparse.Namespace) -> int:
    """``ims-atlas export QUERY --out FILE``: check the file, find the plan, render, write."""
    from ims_atlas.export.formats import PRESETS, ExportError, check_output

    out: Path = args.out
    try:
        kind = check_output(out, force=args.force)
    except ExportError as exc:
        _err(f"{exc}; nothing was written")
        return EXIT_FAILED
    size = getattr(args, "size", None) or PRESETS[args.preset]
    if kind == "pdf" and (getattr(args, "size", None) or args.transparent):
        _err("note: --size and --transparent apply to pictures (.png); the handout is A4")
    if kind == "pdf" and (args.dermatome or args.referred_pain):
        _err("note: --dermatome and --referred-pain apply to pictures (.png); the handout is made without them")
    if args.dermatome and args.referred_pain:
        _err("note: --dermatome and --referred-pain are drawn one at a time; this picture shows the dermatome")
    if kind == "png" and args.patient_name:
        _err("note: a patient's name is printed on handouts (.pdf) only; it is not put into pictures")
    if kind == "pdf" and args.clinician_sheet:
        from ims_atlas.export.handout import clinician_sheet_path

        try:
            check_output(clinician_sheet_path(out), force=args.force)
        except ExportError as exc:
            _err(f"{exc}; nothing was written")
            return EXIT_FAILED
    elif args.clinician_sheet:
        _err("note: --clinician-sheet goes with a .pdf handout; no sheet is made for a picture")
    if (args.assess_muscle or args.assess_sign) and not (kind == "pdf" and args.clinician_sheet):
        _err("--assess-muscle and --assess-sign put the findings into the clinician sheet: export a .pdf with "
             "--clinician-sheet (or use 'ims-atlas assess ... --clinician-sheet FILE.pdf'); nothing was written")
        return EXIT_FAILED

    structure_query = (args.structure or "").strip() if getattr(args, "structure", None) is not None else None
    if structure_query is not None and args.query:
        _err("give a QUERY (a condition or a segment) or --structure NAME, not both; nothing was written")
        return EXIT_NO_MATCH
    if structure_query is None and not args.query:
        _err("give a QUERY (a condition or a segment such as C6) or --structure NAME; nothing was written")
        return EXIT_NO_MATCH
    if structure_query is not None:
        if kind == "pdf":
            _err("handouts are made for a condition; export a .png for a structure; nothing was written")
            return EXIT_NO_MATCH
        if args.dermatome or args.referred_pain:
            _err("note: --dermatome and --referred-pain go with a segment's or a condition's picture; "
                 "the structure's picture is made without them")
            args.dermatome, args.referred_pain = None, False

    from ims_atlas.anatomy.manifest import open_manifest
    from ims_atlas.cli.catalog_commands import _catalog, _resolve
    from ims_atlas.core.paths import meshes_dir

    # The sound part of a damaged manifest is used (as the window does), and the export then
    # says it is incomplete; with no structure at all there is nothing to draw.
    manifest, manifest_problems = open_manifest(meshes_dir() / "manifest.json")
    for p in manifest_problems:
        _err(str(p))
    if not len(manifest):
        _err(f"cannot export {out}: the anatomy could not be loaded; nothing was written")
        return EXIT_FAILED
    catalog = _catalog(args, manifest)
    if catalog is None:
        return EXIT_FAILED
    from ims_atlas.core.ids import DEFAULT_SIDE

    given = getattr(args, "side", None)
    if structure_query is not None:
        from ims_atlas.cli.study_commands import find_structure

        found = find_structure(manifest, catalog, structure_query, _err)
        if found is None:
            return EXIT_NO_MATCH
        side = given or DEFAULT_SIDE
        status = _render(args, out, kind, size, None, None, side, catalog, manifest, defaulted=given is None,
                         selection=found[0].on_side(side)[0])
        return _damaged(out, status, manifest_problems)
    segment = _segment_of(args.query)
    condition_id = None
    if segment is None:
        condition_id = _resolve(catalog, args.query, "condition")
        if condition_id is None:
            return EXIT_NO_MATCH
    elif kind == "pdf":
        _err(f"{segment} is a spinal segment; handouts are made for a condition (export a .png for a segment)")
        return EXIT_NO_MATCH
    assessment = None
    if args.assess_muscle or args.assess_sign:
        from ims_atlas.cli.study_commands import parse_findings
        from ims_atlas.study.assessment import assess
        from ims_atlas.study.assessment_views import sheet_view

        findings = parse_findings(catalog, args.assess_muscle, args.assess_sign, "--assess-muscle", "--assess-sign")
        if findings is None:
            return EXIT_NO_MATCH
        assessment = sheet_view(assess(catalog, findings), catalog)
    side = given or ("both" if segment else catalog.condition(condition_id).default_side if condition_id
                     else DEFAULT_SIDE)
    status = _render(args, out, kind, size, condition_id, segment, side, catalog, manifest, defaulted=given is None,
                     assessment=assessment)
    return _damaged(out, status, manifest_problems)


def _damaged(out: Path, status: int, manifest_problems) -> int:
    """``status``, or incomplete (said) when a written file was made from a damaged manifest."""
    if status == EXIT_OK and manifest_problems:
        _err(f"warning: {out} was made from a damaged anatomy manifest ({len(manifest_problems)} problem(s) above); "
             "it may be incomplete")
        return EXIT_INCOMPLETE
    return status


def _render(args: argparse.Namespace, out: Path, kind: str, size: tuple[int, int], condition_id: str | None,
            segment: str | None, side: str, catalog, manifest, defaulted: bool = False,
            assessment: dict | None = None, selection: str | None = None) -> int:
    """Render and write (``selection``: one structure alone, by its id); report on stderr and
    return the status.
    """
    from dataclasses import replace

    from ims_atlas.cli.catalog_commands import side_words
    from ims_atlas.core.settings import load_settings
    from ims_atlas.core.state import ViewState
    from ims_atlas.export.formats import ExportError
    from ims_atlas.export.render import RenderError

    settings, problems = load_settings()
    for p in problems:
        _err(f"settings: {p}")
    clinic = settings.clinic
    if args.clinic_name is not None:
        clinic = replace(clinic, name=args.clinic_name)
    state = ViewState(condition_id=condition_id, segment=segment, side=side, view="posterior", selection=selection)
    try:
        if kind == "pdf":
            from ims_atlas.export.handout import HandoutOptions, clinician_sheet_path, export_handout

            sheet = clinician_sheet_path(out) if args.clinician_sheet else None
            handout = export_handout(out, manifest, catalog, state,
                                     HandoutOptions(clinic=clinic, patient_name=args.patient_name or "",
                                                    assessment=assessment),
                                     force=args.force, clinician_sheet=sheet)
            for warning in handout.warnings:
                _err(f"{'warning' if warning in handout.wrong else 'note'}: {warning}")
            side_note = " (the default; --side left, right or both)" if defaulted else ""
            print(f"saved {out} (A4 handout, {handout.content.title}, {handout.content.side_words}{side_note})")
            if sheet is not None:
                with_findings = ", with the examination findings and the segments that explain them" if assessment else ""
                print(f"saved {sheet} (clinician sheet: references, contraindications and red flags{with_findings})")
            wrong = handout.wrong
        else:
            from ims_atlas.export.image_export import ImageOptions, export_image

            scene, legend = None, ()
            if getattr(args, "dermatome", None) or getattr(args, "referred_pain", False):
                from ims_atlas.cli.study_commands import referred_scene, skin_scene

                made = (skin_scene(manifest, size, args.dermatome, segment, side) if args.dermatome
                        else referred_scene(manifest, catalog, size, condition_id, side))
                if made is None:
                    return EXIT_FAILED
                scene, legend = made
            try:
                result = export_image(out, manifest, catalog, state,
                                      ImageOptions(size=size, transparent=args.transparent, clinic_name=clinic.name),
                                      force=args.force, scene=scene, legend=legend)
            finally:
                if scene is not None:
                    scene.close()
            if result.problems:
                _err(f"note: {len(result.problems)} structure(s) could not be drawn, e.g. {result.problems[0]}")
            if result.unlabelled:
                _err(f"note: {len(result.unlabelled)} target(s) could not be labelled in a {size[0]}x{size[1]} "
                     "picture (try a larger --size)")
            for warning in result.wrong:
                _err(f"warning: {warning}")
            shown = (f"{manifest.requested(selection).name}, " if selection is not None else "")
            print(f"saved {out} ({size[0]}x{size[1]}{', transparent' if args.transparent else ''}, "
                  f"{shown}{side_words(side, defaulted and segment is None)})")
            wrong = result.wrong
    except (ExportError, RenderError) as exc:
        _err(f"cannot export {out}: {exc}; nothing was written")
        return EXIT_FAILED
    except KeyboardInterrupt:
        _err("interrupted; nothing was written")
        return 130
    except Exception as exc:  # noqa: BLE001 - any failure is reported with the file, never a half-written file
        _err(f"cannot export {out}: {type(exc).__name__}: {exc}; nothing was written")
        return EXIT_FAILED
    if wrong:
        _err(f"warning: {out} was written, but it is incomplete or misplaced (see above)")
        return EXIT_INCOMPLETE
    return EXIT_OK
