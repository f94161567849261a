"""Catalog sub-commands: ``validate``, ``conditions``, ``plan``, ``muscle``, ``segment``.

Exit status: 0 done, 1 a data file has errors, 2 the query matched nothing (or was ambiguous).
Every command takes ``--catalog FILE``, a user catalog merged over the bundled one; its
problems go to stderr and never stop the command. Nothing here imports Qt or VTK; the catalog
modules themselves are imported inside the handlers, so ``ims-atlas --help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ims_atlas.core.plain_text import echo, terminal_safe

if TYPE_CHECKING:
    from ims_atlas.anatomy.manifest import Manifest
    from ims_atlas.catalog.site_catalog import Catalog

from ims_atlas.core.ids import DEFAULT_SIDE

EXIT_OK, EXIT_DATA, EXIT_NO_MATCH = 0, 1, 2

#: Words a segment query may carry besides the segment's name ("L5 root", "segment C6").
SEGMENT_WORDS = frozenset({"root", "roots", "nerve", "segment", "level", "spinal"})
#: The segments the catalog covers, as the README names them.
SEGMENT_RANGE = "C1-S2 (C1-C8, T1-T12, L1-L5, S1 and S2)"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the catalog sub-commands to the parser."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a sub-command's unset option must not overwrite the same option given before the
    # sub-command name (``ims-atlas --catalog F plan ...``); handlers read them with getattr.
    common.add_argument("--catalog", metavar="FILE", type=Path, default=argparse.SUPPRESS,
                        help="a user catalog merged over the bundled one (its problems are reported, never fatal)")
    common.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("validate", parents=[common], help="check a catalog file and report every problem",
                       description="Check a catalog against its schema, its rules and the anatomy meshes. "
                                   "Exit 1 on any error; warnings alone exit 0.")
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="the catalog (default: the bundled one)")
    p.add_argument("--manifest", type=Path, metavar="FILE",
                   help="anatomy manifest for the mesh checks (default: the bundled meshes/manifest.json if present)")
    p.set_defaults(handler=run_validate)

    p = sub.add_parser("conditions", parents=[common], help="list the catalog's conditions")
    p.set_defaults(handler=run_conditions)

    p = sub.add_parser("plan", parents=[common], help="needling targets for a condition",
                       description="Local and paraspinal targets, root segments, safety notes and references "
                                   "for a condition. QUERY is any name, alias or lay term.")
    p.add_argument("query", nargs="+", metavar="QUERY")
    p.add_argument("--side", choices=("left", "right", "both"), default=argparse.SUPPRESS,
                   help=f"which side to treat (default: {DEFAULT_SIDE}; both for widespread pain)")
    p.add_argument("--manifest", type=Path, metavar="FILE", help="anatomy manifest for positions")
    p.set_defaults(handler=run_plan)

    p = sub.add_parser("muscle", parents=[common], help="a muscle's nerve, roots and conditions")
    p.add_argument("query", nargs="+", metavar="QUERY")
    p.set_defaults(handler=run_muscle)

    p = sub.add_parser("segment", parents=[common], help="what a spinal segment supplies and where to needle it")
    p.add_argument("query", nargs="+", metavar="SEGMENT", help="e.g. C6, 'c 6', 'L5 root'")
    p.add_argument("--side", choices=("left", "right", "both"), default="both",
                   help="the side its views are chosen for (default: both, as export pictures a segment)")
    p.add_argument("--manifest", type=Path, metavar="FILE", help="anatomy manifest for the views")
    p.set_defaults(handler=run_segment)


# -- shared ------------------------------------------------------------------------------------


def segment_named(words: list[str]) -> str | None:
    """The segment a query names (``C6``, ``c 6``, ``L5 root``), canonical; None if it names none.

    The segment may be one the catalog does not cover (``T12`` is a segment; ``S4`` too).
    """
    from ims_atlas.core.ids import normalise_segment

    kept = [w for w in " ".join(words).split() if w.lower() not in SEGMENT_WORDS]
    return normalise_segment(" ".join(kept)) if kept else None


def side_words(side: str, defaulted: bool) -> str:
    """The side as the output states it, saying when it is the default."""
    words = {"left": "left side", "right": "right side", "both": "both sides"}[side]
    return f"{words} (the default; --side left, right or both)" if defaulted else words


def _err(message: str) -> None:
    print(terminal_safe(message), file=sys.stderr)


def _print_json(value: Any) -> None:
    # ensure_ascii=False keeps names readable; a character the terminal cannot encode is written
    # as a JSON escape by the stream's error handler (see ims_atlas.cli.main), never a traceback.
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _show(args: argparse.Namespace, view: Any, as_text: Callable[[Any], str]) -> int:
    """Print a view as JSON (``--json``) or as text; the command succeeded."""
    if args.json:
        _print_json(view)
    else:
        print(terminal_safe(as_text(view)))
    return EXIT_OK


def _validate_bundled_or(file: Path, manifest):
    """The problems of catalog ``file``; for the catalog this copy ships, also the study data's
    citations of its sources (counted as citations; an id it lacks is an error in the study file).
    """
    from ims_atlas.catalog.validate import validate_file
    from ims_atlas.core.errors import Problem
    from ims_atlas.core.paths import shipped_catalog_path

    if Path(file).resolve() != shipped_catalog_path().resolve():
        return validate_file(file, manifest)
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.study.citations import catalog_citations

    cited = catalog_citations()
    problems = validate_file(file, manifest, cited_elsewhere=frozenset(cited))
    if any(p.severity == "error" for p in problems):
        return problems
    known = set(load_catalog(file).sources)
    for source, places in sorted(cited.items()):
        if source not in known:
            problems += [Problem(where, path, f"cites source {source!r}, which {file} does not hold; "
                                 "add it to the catalog's sources or fix the id") for where, path in places]
    return problems


def _default_manifest_path() -> Path | None:
    from ims_atlas.core.paths import meshes_dir

    path = meshes_dir() / "manifest.json"
    return path if path.is_file() else None


def _manifest(args: argparse.Namespace) -> Manifest | None:
    """The anatomy manifest for positions, or None (a broken one is reported, not fatal)."""
    from ims_atlas.anatomy.manifest import load_manifest
    from ims_atlas.core.errors import DataError

    path = getattr(args, "manifest", None) or _default_manifest_path()
    if path is None:
        return None
    try:
        return load_manifest(path)
    except DataError as exc:
        for p in exc.problems:
            _err(str(p))
        _err("anatomy manifest not used: positions are left out")
        return None


def _catalog(args: argparse.Namespace, manifest=None) -> Catalog | None:
    """The bundled catalog with ``--catalog`` merged in; None (reported) if the bundled one is broken.

    With the anatomy ``manifest``, the user catalog's positions are checked against the meshes
    (what is found is reported as a warning, as in the window).
    """
    from ims_atlas.catalog.load import load_catalog_with_user
    from ims_atlas.core.errors import DataError

    try:
        catalog, problems = load_catalog_with_user(None, getattr(args, "catalog", None), manifest,
                                                   use_cache=manifest is not None)
    except DataError as exc:
        for p in exc.problems:
            _err(str(p))
        _err("the bundled catalog has errors; run 'ims-atlas validate' for the full report")
        return None
    for p in problems:
        _err(str(p))
    return catalog


def _resolve(catalog: Catalog, words: list[str], kind: str) -> str | None:
    """The id of the ``kind`` entry a query names, or None after explaining why on stderr."""
    from ims_atlas.catalog.search import CatalogSearch

    query = " ".join(words)
    if kind == "condition" and catalog.has_condition(query):
        return query
    if kind == "muscle" and catalog.has_muscle(query):
        return query
    search = CatalogSearch(catalog)
    hits = search.search(query, limit=5, kinds=[kind])
    if hits:
        best = hits[0]
        ties = [h for h in hits if h.score == best.score]
        if len(ties) > 1:
            names = ", ".join(f"{h.label} ({h.id})" for h in ties)
            _err(f"{echo(query)} matches several {kind}s equally: {names}; be more specific")
            return None
        tier = int(best.score * 4)  # exact, prefix, all words, fuzzy: see search.Hit
        others = [h for h in hits[1:] if int(h.score * 4) == tier]
        if best.score < 0.75 and others:  # not an exact match: say what was chosen, and over what
            also = ", ".join(f"{h.label} ({h.id})" for h in others)
            _err(f"{echo(query)}: showing {best.label} ({best.id}), matched on {best.matched!r}; also close: {also}")
        return best.id
    message = f"no {kind} matches {echo(query)}"
    suggestions = search.closest(query, 3, kinds=[kind])
    if suggestions:
        message += "; did you mean: " + ", ".join(f"{h.label} ({h.id})" for h in suggestions)
    elif kind == "condition":
        message += "; run 'ims-atlas conditions' for the list"
    _err(message)
    return None


# -- handlers ----------------------------------------------------------------------------------


def run_validate(args: argparse.Namespace) -> int:
    """``ims-atlas validate [FILE]``: print every problem, then a summary."""
    from ims_atlas.anatomy.manifest import open_manifest
    from ims_atlas.anatomy.mesh_file import mesh_file_problems
    from ims_atlas.catalog.json_views import problems_view
    from ims_atlas.catalog.load import load_catalog
    from ims_atlas.catalog.validate import has_errors, validate_file
    from ims_atlas.core.errors import Problem
    from ims_atlas.core.paths import bundled_catalog_path, meshes_dir

    file = args.file or bundled_catalog_path()
    problems: list[Problem] = []
    manifest = None
    manifest_path = args.manifest or _default_manifest_path()
    if manifest_path is None and meshes_dir().is_dir():
        manifest_path = meshes_dir() / "manifest.json"  # a mesh folder without its manifest is an error
    if manifest_path is not None:
        # Every structure the manifest can describe must have a mesh file that loads; the
        # catalog's positions are checked only against a manifest without problems.
        anatomy, manifest_problems = open_manifest(manifest_path)
        problems += manifest_problems + mesh_file_problems(anatomy)
        manifest = anatomy if not manifest_problems else None
    problems += _validate_bundled_or(file, manifest)
    user_file = getattr(args, "catalog", None)
    if user_file is not None:
        if has_errors(problems):
            problems.append(Problem(str(user_file), "", f"not checked: {file} has errors to fix first", "warning"))
        else:
            problems += validate_file(user_file, manifest, user=True, base=load_catalog(file))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if args.json:
        _print_json(problems_view(problems))
    else:
        for p in problems:
            print(p)
        checked = f"{file}" + (f" and {user_file}" if user_file else "")
        if manifest is not None:
            meshes = ""
        elif manifest_path is not None:
            meshes = " (the anatomy manifest has errors: positions not checked against the meshes)"
        else:
            meshes = " (no anatomy manifest: mesh checks skipped)"
        verdict = "OK" if not errors else "FAILED"
        print(f"{verdict}: {checked}: {errors} error(s), {warnings} warning(s){meshes}")
    return EXIT_DATA if errors else EXIT_OK


def run_conditions(args: argparse.Namespace) -> int:
    """``ims-atlas conditions``: every condition with its aliases."""
    from ims_atlas.catalog.json_views import conditions_view
    from ims_atlas.catalog.text_views import conditions_text

    catalog = _catalog(args)
    if catalog is None:
        return EXIT_DATA
    view = conditions_view(catalog)
    return _show(args, view, conditions_text)


def run_plan(args: argparse.Namespace) -> int:
    """``ims-atlas plan QUERY [--side ...]``: the treatment plan for a condition."""
    from ims_atlas.catalog.json_views import plan_view
    from ims_atlas.catalog.plan import NOT_DRAWN_REASON, treatment_plan, undrawn_muscles
    from ims_atlas.catalog.text_views import plan_text

    catalog = _catalog(args)
    if catalog is None:
        return EXIT_DATA
    segment = segment_named(args.query)
    if segment is not None and not catalog.has_condition(" ".join(args.query)):
        # A segment has no treatment plan of its own: say so and show what it supplies, as
        # ``segment`` does (and as ``export C6`` pictures it).
        _err(f"{segment} is a spinal segment, not a condition: showing what it supplies "
             f"(ims-atlas segment {segment})")
        return _show_segment(args, catalog, segment)
    condition_id = _resolve(catalog, args.query, "condition")
    if condition_id is None:
        return EXIT_NO_MATCH
    given = getattr(args, "side", None)
    side = given or catalog.condition(condition_id).default_side
    manifest = _manifest(args)
    plan = treatment_plan(catalog, manifest, condition_id, side)
    view = plan_view(catalog, plan)
    from ims_atlas.core.state import ViewState

    view["views"] = _views(catalog, manifest, ViewState(condition_id=condition_id, side=side))
    view["not_drawn"] = [{"muscle": m.id, "name": m.name, "reason": NOT_DRAWN_REASON}
                         for m in undrawn_muscles(plan, manifest)]
    from ims_atlas.cli.study_commands import add_referred_pain

    add_referred_pain(view, manifest, catalog)
    return _show(args, view, lambda v: plan_text(v, side_words(side, given is None)))


def _views(catalog: Catalog, manifest: Manifest | None, state) -> list[dict[str, Any]]:
    """The views of ``state``'s picture (a plan's or a segment's, ``scene.target_views``): each a
    name, a unit camera direction in the model frame and the targets it shows; none without the
    anatomy.
    """
    if manifest is None:
        return []
    from ims_atlas.scene.picture import picture_for

    picture = picture_for(state, manifest, catalog)
    return [v.as_json() for v in picture.views]


def run_muscle(args: argparse.Namespace) -> int:
    """``ims-atlas muscle QUERY``: a muscle's nerve, roots, sources and conditions."""
    from ims_atlas.catalog.json_views import muscle_view
    from ims_atlas.catalog.text_views import muscle_text

    catalog = _catalog(args)
    if catalog is None:
        return EXIT_DATA
    muscle_id = _resolve(catalog, args.query, "muscle")
    if muscle_id is None:
        return EXIT_NO_MATCH
    view = muscle_view(catalog, muscle_id)
    return _show(args, view, muscle_text)


def run_segment(args: argparse.Namespace) -> int:
    """``ims-atlas segment C6``: muscles supplied, paraspinal level, conditions."""
    catalog = _catalog(args)
    if catalog is None:
        return EXIT_DATA
    return _show_segment(args, catalog, " ".join(args.query))


def _show_segment(args: argparse.Namespace, catalog: Catalog, query: str) -> int:
    """Print a segment's entry, or say on stderr why the query names none the catalog covers."""
    from ims_atlas.catalog.json_views import segment_view
    from ims_atlas.catalog.text_views import segment_text
    from ims_atlas.core.ids import CATALOG_SEGMENTS

    name = segment_named(query.split())
    if name is None:
        _err(f"no segment matches {echo(query)}; the catalog covers {SEGMENT_RANGE}")
        return EXIT_NO_MATCH
    if name not in CATALOG_SEGMENTS:
        _err(f"segment {name} is not covered by the catalog, which covers {SEGMENT_RANGE}")
        return EXIT_NO_MATCH
    view = segment_view(catalog, name)
    from ims_atlas.cli.study_commands import dermatome_entries, dermatome_not_painted

    view["dermatome"] = dermatome_entries(name)
    view["dermatome_not_painted"] = dermatome_not_painted()
    if getattr(args, "json", False):
        # The views its picture is drawn from (as ``plan --json`` gives a plan's): the muscles
        # it supplies and its paraspinal point, for the side asked (default both).
        from ims_atlas.core.state import ViewState

        view["side"] = getattr(args, "side", None) or "both"
        view["views"] = _views(catalog, _manifest(args), ViewState(segment=name, side=view["side"]))
    return _show(args, view, segment_text)
