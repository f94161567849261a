"""The plan panel's text as HTML: plain words first, the Latin beside it, sources named."""

from __future__ import annotations

from html import escape

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.plan import TreatmentPlan
from ims_atlas.catalog.site_catalog import Catalog

_CSS = ("<style>h2{margin:0 0 4px 0} h3{margin:10px 0 2px 0} li{margin-bottom:4px} .src{color:#777;font-size:small}"
        " .flag{color:#B00020}</style>")


#: How each legend shape is written in the panel (the exported pictures draw the same shapes).
_SIGNS = {"circle": "●", "square": "■", "swatch": "██", "bar": "▮"}


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(min(max(float(c), 0.0), 1.0) * 255):02X}" for c in rgb)


def sign_html(shape: str, rgb) -> str:
    """A legend's sign in the colour the 3D view draws it, on the view's own dark background
    (the white needle point would vanish on the panel's white).
    """
    from ims_atlas.scene.palette import DEFAULT_PALETTE

    return (f"<span style='background-color:{_hex(DEFAULT_PALETTE.background_bottom)};color:{_hex(rgb)}'>"
            f"&nbsp;{_SIGNS.get(shape, '■')}&nbsp;</span>")


def legend_html(items) -> str:
    """What each colour and shape in the 3D view means (``LegendItem`` s, the words an
    exported picture's legend uses), one line each.
    """
    rows = "".join(f"{sign_html(item.shape, item.color)} {escape(item.text)}<br>" for item in items)
    return f"<p style='margin:4px 0'>{rows}</p>" if rows else ""


def _sources(catalog: Catalog, ids) -> str:
    names = []
    for sid in ids:
        src = catalog.source(sid)
        names.append(escape(src.citation if src else sid))
    return f"<div class='src'>Sources: {'; '.join(names)}</div>" if names else ""


def _short_sources(catalog: Catalog, ids) -> str:
    """``Sources: Finucane LM et al. 2020; Do TP et al. 2019`` (the full citation where a source
    has no authors, institution or year).
    """
    names = []
    for sid in ids:
        src = catalog.source(sid)
        if src is None:
            names.append(sid)
            continue
        who = (src.authors[0] + (" et al." if len(src.authors) > 1 else "")) if src.authors else (src.institution or "")
        names.append(f"{who} {src.year}" if who and src.year else src.citation)
    return f"<div class='src'>Sources: {escape('; '.join(names))}</div>" if names else ""


def _roots(roots) -> str:
    parts = [r.segment if r.contribution == "major" else f"({r.segment})" for r in roots]
    return ", ".join(parts) or "cranial nerve"


def _muscle_label(muscle, lay_names: bool) -> str:
    lay = getattr(muscle, "lay_name", "") or ""
    if lay_names and lay:
        return f"<b>{escape(lay)}</b> <i>({escape(muscle.name)})</i>"
    return f"<b>{escape(muscle.name)}</b>" + (f" <i>({escape(lay)})</i>" if lay else "")


def _screening_html(plan: TreatmentPlan, catalog: Catalog) -> list[str]:
    """Before needling: the red flags (refer, do not needle) and the contraindications and
    precautions to ask about (hazards near muscles go with the safety notes).
    """
    out = []
    if plan.red_flags:
        out.append("<h3 class='flag'>Red flags: refer, do not needle</h3><ul>")
        for r in plan.red_flags:
            out.append(f"<li><b class='flag'>{escape(r.title)}</b>: {escape(r.signs)} <b>{escape(r.action)}</b>"
                       f"{_short_sources(catalog, r.sources)}</li>")
        out.append("</ul>")
    asks = [c for c in plan.contraindications if c.kind != "hazard"]
    if asks:
        out.append("<h3>Before needling: contraindications and precautions</h3><ul>")
        for c in asks:
            kind = "Contraindication" if c.kind == "contraindication" else "Precaution"
            out.append(f"<li><b>{escape(c.title)}</b> <i>({kind})</i>: {escape(c.text)}{_short_sources(catalog, c.sources)}</li>")
        out.append("</ul>")
    return out


#: Beside a local target that has no 3D model (the plan text and the handout say the same).
NOT_SHOWN = "not shown in the 3D view: no model yet"


def plan_html(plan: TreatmentPlan, catalog: Catalog, lay_names: bool = False,
              undrawn: frozenset[str] = frozenset(), legend: str = "") -> str:
    """A condition's plan in plain words; the local targets whose muscle ids are in ``undrawn``
    (no mesh, ``undrawn_muscles``) are marked as missing from the 3D view. ``legend``
    (:func:`legend_html`) goes under the title.
    """
    from ims_atlas.scene.palette import DEFAULT_PALETTE

    c = plan.condition
    side = {"left": "left side", "right": "right side", "both": "both sides"}[plan.side]
    out = [_CSS, f"<h2>{escape(c.name)} — {side}</h2>"]
    if c.clinical_name:
        out.append(f"<i>{escape(c.clinical_name)}</i><br>")
    out.append(legend)
    out.append(f"<p>{escape(c.explanation)}</p>")
    rs = c.root_segments
    seg_text = ", ".join(plan.segments) or "none"
    core = f" (mainly {', '.join(plan.core_segments)})" if plan.core_segments else ""
    out.append(f"<h3>Nerve roots: {escape(seg_text)}{escape(core)}</h3><p>{escape(rs.rationale)}</p>")
    if rs.derivation == "derived":
        out.append("<div class='src'>Derived from the muscles' roots and the sources below, not stated as such in one source.</div>")
    out.append(_sources(catalog, rs.sources))
    out += _screening_html(plan, catalog)
    out.append(f"<h3>Local targets {sign_html('circle', DEFAULT_PALETTE.local_marker)}</h3><ul>")
    seen = set()
    for t in plan.local_targets:
        if t.muscle.id in seen:
            continue
        seen.add(t.muscle.id)
        note = f"<br><i>{escape(t.target.note)}</i>" if t.target.note else ""
        missing = f" <span class='flag'>({NOT_SHOWN})</span>" if t.muscle.id in undrawn else ""
        out.append(
            f"<li>{_muscle_label(t.muscle, lay_names)}{missing}: {escape(t.description)}"
            f"<br>Nerve: {escape(t.nerve)}; roots {escape(_roots(t.roots))}{note}"
            f"{_sources(catalog, t.target.sources)}</li>"
        )
    out.append(f"</ul><h3>Beside the spine {sign_html('square', DEFAULT_PALETTE.paraspinal_marker)}</h3><ul>")
    done = set()
    for p in plan.paraspinal_targets:
        if p.segment in done:
            continue
        done.add(p.segment)
        muscles = ", ".join(m.name for m in p.muscles) or "paraspinal muscles"
        out.append(f"<li><b>{escape(p.segment)}</b> root, at {escape(p.paraspinal_level)}: {escape(muscles)}</li>")
    out.append("</ul><h3>Safety</h3><ul>")
    for item in plan.contraindications:
        if item.kind == "hazard":
            out.append(f"<li><b>{escape(item.title)}</b>: {escape(item.text)}{_short_sources(catalog, item.sources)}</li>")
    for note in plan.safety:
        out.append(f"<li>{escape(note.text)}{_sources(catalog, note.sources)}</li>")
    out.append("</ul><h3>Evidence</h3>")
    if c.evidence_note:
        out.append(f"<p>{escape(c.evidence_note)}</p>")
    out.append("<ul>")
    for ref in plan.references:
        src = catalog.source(ref.source)
        out.append(f"<li>{escape(src.citation if src else ref.source)}<br><i>{escape(ref.evidence)}</i></li>")
    out.append("</ul>")
    return "".join(out)


def segment_html(segment: str, catalog: Catalog, lay_names: bool = False, legend: str = "") -> str:
    """What a root segment supplies and where its paraspinal level is; ``legend``
    (:func:`legend_html`) under the title.
    """
    out = [_CSS, f"<h2>Segment {escape(segment)}</h2>", legend]
    try:
        entry = catalog.segment(segment)
        beside = [catalog.muscle(m).name if catalog.has_muscle(m) else m.replace("_", " ")
                  for m in entry.paraspinal_muscles]
        out.append(f"<p>Leaves the spine at <b>{escape(entry.paraspinal_level)}</b>; needled beside it: "
                   f"{escape(', '.join(beside) or '—')}.</p>")
        if entry.notes:
            out.append(f"<p>{escape(entry.notes)}</p>")
    except KeyError:
        out.append("<p>Not in the catalog.</p>")
    out.append("<h3>Muscles it supplies</h3><ul>")
    for muscle, contribution in catalog.muscles_for_segment(segment):
        tag = "" if contribution == "major" else " <i>(minor contribution)</i>"
        out.append(f"<li>{_muscle_label(muscle, lay_names)}{tag}: {escape(muscle.nerve)}</li>")
    out.append("</ul><h3>Conditions</h3><ul>")
    for c in catalog.conditions_for_segment(segment):
        out.append(f"<li>{escape(c.name)}</li>")
    out.append("</ul>")
    return "".join(out)


def structure_html(structure_id: str, manifest: Manifest, catalog: Catalog, lay_names: bool = False) -> str:
    """A structure picked in the 3D view or found by name: a muscle's nerve, roots and conditions;
    any other structure's kind, region and side, a root's segment, a nerve's muscles in the
    catalog, the plans whose safety notes warn of it, and where its anatomy comes from.
    """
    try:
        s = manifest.requested(structure_id)
    except KeyError:
        return ""
    out = [_CSS, f"<h2>{escape(s.name)}</h2>"]
    if s.muscle and catalog.has_muscle(s.muscle):
        m = catalog.muscle(s.muscle)
        out.append(f"<p>{_muscle_label(m, lay_names)}</p>")
        out.append(f"<p>Nerve: {escape(m.nerve)}<br>Roots: {escape(_roots(m.roots))}</p>")
        if m.disagreement:
            out.append(f"<p><i>Sources disagree: {escape(m.disagreement)}</i></p>")
        conditions = catalog.conditions_for_muscle(m.id)
        out.append("<h3>Conditions</h3><ul>" + "".join(f"<li>{escape(c.name)}</li>" for c in conditions) + "</ul>")
        out.append(_sources(catalog, m.sources))
    else:
        if s.muscle:
            out.append("<p>Not in the clinical catalog yet.</p>")
        out += _structure_facts(s.id, manifest, catalog, lay_names)
    return "".join(out)


def _structure_facts(structure_id: str, manifest: Manifest, catalog: Catalog, lay_names: bool = False) -> list[str]:
    """What the data says of a structure that is not a catalog muscle
    (:func:`~ims_atlas.study.structure_facts.structure_facts`), as HTML.
    """
    from ims_atlas.study.structure_facts import structure_facts

    f = structure_facts(structure_id, manifest, catalog)
    out = [f"<p>{escape(f['kind_words'].capitalize())}, {escape(f['region'])}"
           + (f", {escape(f['side'])} side" if f["side"] in ("left", "right") else "") + ".</p>"]
    if "segment" in f:
        supplied = catalog.muscles_for_segment(f["segment"])
        out.append(f"<p>The root of segment <b>{escape(f['segment'])}</b>"
                   + (f", which supplies {len(supplied)} muscles in the catalog: type {escape(f['segment'])} in the "
                      "search box to light them" if supplied else "") + ".</p>")
    if f.get("paraspinal_segments"):
        out.append("<p>Needled beside it (paraspinal level of the segment): " + ", ".join(
            f"<b>{escape(p['segment'])}</b> (at {escape(p['paraspinal_level'])})" for p in f["paraspinal_segments"])
                   + ".</p>")
    if "supplies" in f:
        if f["supplies"]:
            out.append("<h3>Muscles the catalog says it supplies</h3><ul>" + "".join(
                f"<li>{_muscle_label(catalog.muscle(m['muscle']), lay_names)}: {escape(m['nerve'])}; "
                f"roots {escape(_roots(catalog.muscle(m['muscle']).roots))}</li>" for m in f["supplies"]) + "</ul>")
        else:
            out.append("<p>No muscle in the catalog names this nerve as its supply (its branches, under their "
                       "own names, may be).</p>")
        out.append("<p><i>The anatomy data does not give this nerve's roots.</i></p>")
    for zone in f["danger_zones"]:
        regions: dict[str, list[str]] = {}
        for c in zone["conditions"]:
            regions.setdefault(c["region"] or "other", []).append(c["name"])
        out.append(f"<h3 class='flag'>Danger zone: {escape(zone['hazard'])}</h3><p>The safety notes of these plans "
                   "warn of it, by region:</p><ul>" + "".join(
                       f"<li><b>{escape(r)}</b>: {escape(', '.join(names))}</li>" for r, names in sorted(regions.items()))
                   + "</ul>" + (f"<p><small>{escape(zone['in_people'])}</small></p>" if zone["in_people"] else ""))
    out.append(f"<div class='src'>Anatomy: {escape(f['source'] or 'no source given')}</div>")
    return out
