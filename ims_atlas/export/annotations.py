"""What is written on an exported picture: title, labelled targets and legend. Pure.

Built from the same :class:`~ims_atlas.scene.picture.Picture` the window shows, so an export
names exactly what is lit: a condition's local targets (one label per muscle and side) and
its paraspinal targets (one per root segment and side); for a segment, the muscles it
supplies and its paraspinal level.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.errors import DataError
from ims_atlas.core.ids import SEGMENT_NAMES
from ims_atlas.core.plain_text import cut, one_line
from ims_atlas.core.state import ViewState
from ims_atlas.scene.palette import DEFAULT_PALETTE, RGB, Palette
from ims_atlas.scene.picture import Picture, sides_of
from ims_atlas.scene.skin_colours import DERMATOME_RGB, REFERRED_RGB, SKIN_RGB

Point3 = tuple[float, float, float]

SIDE_WORDS = {"left": "left side", "right": "right side", "both": "both sides"}


@dataclass(frozen=True)
class Target:
    """A labelled point: ``position`` if known, else the centre of ``structures``."""

    key: str
    role: str  # "local" | "paraspinal" | "minor"
    title: str
    detail: str
    position: Point3 | None
    structures: tuple[str, ...] = ()
    priority: int = 0


@dataclass(frozen=True)
class LegendItem:
    """One legend entry: a shape (``circle``, ``square``, ``swatch``, ``bar``), its colour, words."""

    shape: str
    color: RGB
    text: str


@dataclass(frozen=True)
class Annotation:
    """Everything written on a picture besides the anatomy itself."""

    title: str
    subtitle: str
    targets: tuple[Target, ...] = ()
    legend: tuple[LegendItem, ...] = ()


def one_line_annotation(annotation: Annotation) -> Annotation:
    """``annotation`` with every text on one line (a line break in a name would stop Pillow's
    text layout), controls removed and unpaired surrogates replaced, names cut at 200 characters.
    """
    def tidy(text: str) -> str:
        return cut(one_line(text), 200)

    return Annotation(
        tidy(annotation.title), tidy(annotation.subtitle),
        tuple(replace(t, title=tidy(t.title), detail=tidy(t.detail)) for t in annotation.targets),
        tuple(replace(item, text=tidy(item.text)) for item in annotation.legend),
    )


def export_state(state: ViewState) -> ViewState:
    """``state`` for an exported picture: the scene's own marker labels are turned off,
    because the export draws its own (legible at print size, never overlapping).
    """
    if "labels" in {f.name for f in fields(state)}:
        return replace(state, labels=False)
    return state


def role_color(role: str, palette: Palette = DEFAULT_PALETTE) -> RGB:
    """The colour a label of this role is marked with: its muscles' colour."""
    return {"local": palette.local, "paraspinal": palette.paraspinal,
            "minor": palette.minor, "root": palette.root}.get(role, palette.local)


def _muscle_words(muscle, lay_names: bool) -> tuple[str, str]:
    """(title, detail) for a muscle: anatomical name first, or plain words first."""
    lay = (muscle.lay_name or "").strip()
    if lay_names and lay:
        return lay[:1].upper() + lay[1:], muscle.name
    return muscle.name, lay


def _side_suffix(side: str, plan_side: str) -> str:
    return f", {side}" if plan_side == "both" else ""


def condition_legend(palette: Palette = DEFAULT_PALETTE, nerves: bool = False) -> tuple[LegendItem, ...]:
    """Legend for a condition's picture (``nerves``: the plan lights the nerves it names)."""
    items = (
        LegendItem("swatch", palette.local, "Muscle to treat"),
        LegendItem("circle", palette.local_marker, "Needle point in the muscle"),
        LegendItem("swatch", palette.paraspinal, "Muscle beside the spine"),
        LegendItem("square", palette.paraspinal_marker, "Needle point beside the spine"),
        LegendItem("bar", palette.root, "Nerve root of the plan's levels" + (" and nerves it names" if nerves else "")),
    )
    return items


def segment_legend(palette: Palette = DEFAULT_PALETTE) -> tuple[LegendItem, ...]:
    """Legend for a segment's picture."""
    return (
        LegendItem("swatch", palette.local, "Muscle the root supplies (major)"),
        LegendItem("swatch", palette.minor, "Minor supply"),
        LegendItem("swatch", palette.paraspinal, "Beside the spine at its level"),
        LegendItem("square", palette.paraspinal_marker, "Needle point beside the spine"),
        LegendItem("bar", palette.root, "The nerve root"),
    )


def dermatome_legend(segment: str, map_name: str) -> tuple[LegendItem, ...]:
    """Legend for a picture with the translucent skin and ``segment``'s dermatome painted on it."""
    return (LegendItem("swatch", DERMATOME_RGB, f"Dermatome of {segment} per {map_name}"),
            LegendItem("swatch", SKIN_RGB, "Skin (translucent)"))


def referred_legend(palette: Palette = DEFAULT_PALETTE) -> tuple[LegendItem, ...]:
    """Legend for a plan's referred-pain zones on the skin: where the pain is felt, told from
    the muscle itself (which holds the trigger point and is needled).
    """
    return (LegendItem("swatch", REFERRED_RGB, "Referred-pain zone: where its pain is felt"),
            LegendItem("swatch", palette.local, "Muscle to treat: holds the trigger point"))


def merged_legend(legend: tuple[LegendItem, ...], more: tuple[LegendItem, ...]) -> tuple[LegendItem, ...]:
    """``legend`` with the entries of ``more`` added: one that has the same shape and colour as
    an entry already there takes that entry's place (its words are the more specific), so no
    colour is explained twice; the others are added at the end.
    """
    out = list(legend)
    for item in more:
        same = next((i for i, old in enumerate(out) if (old.shape, old.color) == (item.shape, item.color)), None)
        if same is None:
            out.append(item)
        else:
            out[same] = item
    return tuple(out)


def condition_targets(picture: Picture, manifest: Manifest, lay_names: bool = False,
                      roles: tuple[str, ...] = ("local", "paraspinal")) -> tuple[Target, ...]:
    """Labelled targets of a condition's picture: local ones first, then paraspinal ones."""
    plan = picture.treatment
    if plan is None:
        return ()
    out: list[Target] = []
    if "local" in roles:
        seen: set[tuple[str, str]] = set()
        for t in plan.local_targets:
            if (t.muscle.id, t.side) in seen:
                continue
            seen.add((t.muscle.id, t.side))
            title, detail = _muscle_words(t.muscle, lay_names)
            key = f"local:{t.muscle.id}:{t.side}"
            drawn = picture.target(key)
            ids = drawn.structures if drawn is not None else ()
            out.append(Target(key, "local", title + _side_suffix(t.side, plan.side),
                              detail, drawn.point if drawn is not None else t.position, ids, priority=0))
    if "paraspinal" in roles:
        spine: list[Target] = []
        for p in plan.paraspinal_targets:
            muscles = ", ".join(m.name.lower() for m in p.muscles)
            level = f"the {p.paraspinal_level}" if p.paraspinal_level.endswith("foramen") else p.paraspinal_level
            where = f"{muscles} beside the spine at {level}" if muscles else f"beside the spine at {level}"
            ids = tuple(s.id for m in p.muscles for s in manifest.muscle_structures(m.id, sides=[p.side])
                        if s.level == p.segment)
            spine.append(Target(f"paraspinal:{p.segment}:{p.side}", "paraspinal",
                                f"{p.segment} nerve root{_side_suffix(p.side, plan.side)}",
                                where[:1].upper() + where[1:], p.position, ids, priority=1))
        out += _level_runs(spine, picture) if plan.side == "both" else spine
    return crowds_merged(tuple(out), picture)


def _level_runs(targets: list[Target], picture: Picture) -> list[Target]:
    """On both sides, one label per side for each run of consecutive levels ("C4-C7 nerve
    roots, left", its leader to the middle one's point), as the window labels them: a plan
    needled from C1 to S1 on both sides would stack 18 near-identical labels. A level whose
    marker the picture merged with another target's keeps its own label (merged with that).
    """
    merged = {k for m in picture.markers if "+" in m.key for k in m.key.split("+")}
    out: list[Target] = []
    runs: dict[str, list[list[Target]]] = {}
    for t in targets:
        _, segment, side = t.key.split(":")
        if t.key in merged or segment not in SEGMENT_NAMES:
            out.append(t)
            continue
        side_runs = runs.setdefault(side, [])
        last = side_runs[-1][-1] if side_runs else None
        if last is not None and SEGMENT_NAMES.index(last.key.split(":")[1]) + 1 == SEGMENT_NAMES.index(segment):
            side_runs[-1].append(t)
        else:
            side_runs.append([t])
    for side_runs in runs.values():
        for run in side_runs:
            if len(run) == 1:
                out.append(run[0])
                continue
            first, last = run[0].key.split(":")[1], run[-1].key.split(":")[1]
            suffix = run[0].title.partition(" nerve root")[2]
            details = [t.detail for t in run]
            common = details[0].rpartition(" at ")[0]
            if all(d.rpartition(" at ")[0] == common for d in details):
                detail = f"{common} at {details[0].rpartition(' at ')[2]} to {details[-1].rpartition(' at ')[2]}"
            else:
                detail = "; ".join(details)
            out.append(Target("+".join(t.key for t in run), "paraspinal", f"{first}-{last} nerve roots{suffix}", detail,
                              run[len(run) // 2].position, tuple(sid for t in run for sid in t.structures),
                              min(t.priority for t in run)))
    return out


def crowds_merged(targets: tuple[Target, ...], picture: Picture) -> tuple[Target, ...]:
    """Targets whose markers the picture merged (epicentres closer than a marker) become one
    target that names them all, at the merged marker.
    """
    by_key = {t.key: t for t in targets}
    out: list[Target] = []
    done: set[str] = set()
    for t in targets:
        if t.key in done:
            continue
        marker = next((m for m in picture.markers if "+" in m.key and t.key in m.key.split("+")), None)
        if marker is None:
            out.append(t)
            continue
        group = [by_key[k] for k in marker.key.split("+") if k in by_key]
        done.update(g.key for g in group)
        out.append(Target(marker.key, t.role, " / ".join(g.title for g in group),
                          "; ".join(g.detail for g in group if g.detail), marker.position,
                          tuple(sid for g in group for sid in g.structures), min(g.priority for g in group)))
    return tuple(out)


def segment_targets(segment: str, side: str, catalog: Catalog, manifest: Manifest,
                    lay_names: bool = False, picture: Picture | None = None) -> tuple[Target, ...]:
    """Labelled targets of a segment's picture: the muscles it supplies (major first) and its
    paraspinal level, on each side shown. On both sides, a muscle (and the level) seen on
    both in one view is named once, on the side the picture chose
    (:func:`~ims_atlas.scene.picture.named_once`): its title says no side ("Biceps brachii";
    the subtitle says both sides are lit), the level's says "both sides".
    """
    out: list[Target] = []
    sides = sides_of(side)
    named_by = picture.named_by if picture is not None else {}
    naming = set(named_by.values())

    def suffix(key: str, s: str) -> str:
        return "" if key in naming else _side_suffix(s, side)

    for muscle, contribution in catalog.myotome(segment):
        title, detail = _muscle_words(muscle, lay_names)
        for s in sides:
            ids = tuple(st.id for st in manifest.muscle_structures(muscle.id, sides=[s])
                        if st.level is None or st.level == segment)
            role = "local" if contribution == "major" else "minor"
            key = f"{role}:{muscle.id}:{s}"
            if not ids or key in named_by:
                continue
            drawn = picture.target(key) if picture is not None else None
            out.append(Target(key, role, title + suffix(key, s),
                              detail if contribution == "major" else f"{detail} (minor supply)".strip(),
                              drawn.point if drawn is not None else None, ids, priority=1 if contribution == "major" else 2))
    try:
        entry = catalog.segment(segment)
    except KeyError:
        return tuple(out)
    from ims_atlas.anatomy.spine import paraspinal_point

    for s in sides:
        try:
            point = paraspinal_point(manifest, segment, s)
        except (DataError, LookupError, ValueError):
            point = None  # the manifest lacks the vertebrae for this level
        ids = tuple(st.id for m in entry.paraspinal_muscles for st in manifest.muscle_structures(m, sides=[s])
                    if st.level == segment)
        key = f"paraspinal:{segment}:{s}"
        if (point is None and not ids) or key in named_by:
            continue
        out.append(Target(key, "paraspinal", f"{segment} nerve root" + (", both sides" if key in naming else suffix(key, s)),
                          f"Beside the spine at {entry.paraspinal_level}" + (", on each side" if key in naming else ""),
                          None if point is None else (float(point[0]), float(point[1]), float(point[2])), ids, priority=0))
    return tuple(out)


def annotation_for(picture: Picture, state: ViewState, catalog: Catalog | None, manifest: Manifest,
                   roles: tuple[str, ...] = ("local", "paraspinal"), palette: Palette = DEFAULT_PALETTE) -> Annotation:
    """Title, labels and legend for a picture of ``state``.

    ``roles`` limits which targets of a condition are labelled (a close-up of the forearm
    labels only the local targets).
    """
    side_words = SIDE_WORDS.get(state.side, state.side)
    if picture.treatment is not None:
        plan = picture.treatment
        c = plan.condition
        roots = ", ".join(plan.segments) or "none"
        subtitle = f"{c.lay_name} · nerve roots {roots}" if c.lay_name else f"Nerve roots {roots}"
        nerves = "nerve" in picture.roles.values()
        return Annotation(f"{c.name} — {side_words}", subtitle,
                          condition_targets(picture, manifest, state.lay_names, roles), condition_legend(palette, nerves))
    if state.segment and catalog is not None:
        try:
            level = f" · needled beside the spine at {catalog.segment(state.segment).paraspinal_level}"
        except KeyError:
            level = ""
        once = ", lit on both sides and each named once" if picture.named_by else ""
        return Annotation(f"Segment {state.segment} — {side_words}",
                          f"Muscles supplied by the {state.segment} nerve root{once}{level}",
                          segment_targets(state.segment, state.side, catalog, manifest, state.lay_names, picture),
                          segment_legend(palette))
    if state.selection and (state.selection in manifest or state.selection in {s.id for s in manifest.on_request}):
        return structure_annotation(manifest, state.selection)
    return Annotation("IMS Atlas", "The whole body: bones, spine and muscles")


def structure_annotation(manifest: Manifest, structure_id: str) -> Annotation:
    """Title, label and credit for a picture of one structure alone (a bone, a nerve, an organ or
    a vessel found by name): its name, what and where it is and where its anatomy comes from
    (:func:`~ims_atlas.anatomy.credit.structure_credit`), and one label whose leader ends on it.
    """
    from ims_atlas.anatomy.credit import structure_credit
    from ims_atlas.scene.found_structure import structure_anchor
    from ims_atlas.scene.picture import body_for

    s = manifest.requested(structure_id)
    point = structure_anchor(manifest, body_for(manifest), s.id)
    target = Target(f"selection:{s.id}", "local", s.name, "", point, (s.id,))
    from ims_atlas.study.structure_facts import KIND_WORDS

    kind = KIND_WORDS.get(s.kind, s.kind)  # the words the window's panel uses ("artery")
    subtitle = " · ".join(x for x in (f"{kind[:1].upper()}{kind[1:]}, {s.region}".strip(", "),
                                      structure_credit(manifest, s.id)) if x)
    return Annotation(s.name, subtitle, (target,), ())
