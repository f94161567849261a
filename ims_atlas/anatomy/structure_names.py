"""The anatomy's structures as a search finds them: one entry per structure whatever its side.

A manifest lists a paired structure once per side (``nerve_sciatic_left``, ``nerve_sciatic_right``,
named "Sciatic nerve (left)" and "(right)"); a student looking for the sciatic nerve means the
nerve, and the window's side picker says which. :func:`named_structures` groups the sides under
one id (``nerve_sciatic``) and one name ("Sciatic nerve"), with the other names the data already
gives it: the name without its parenthesis and with it in place of the word before
("Common fibular (peroneal) nerve": "Common fibular nerve", "Common peroneal nerve"), an
abbreviation in it alone ("CN XI"), and a nerve's named parts without their parentheses
("posterior interosseous branch"). Nothing is made up beyond that. Muscles the catalog knows
are left out (the catalog's muscles are found as muscles), so are structures that belong to a
catalog muscle. Pure and cheap: string work over a few hundred structures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ims_atlas.anatomy.manifest import Manifest, Structure

_SIDE_NAME = re.compile(r"\s*\((left|right)\)\s*$", re.IGNORECASE)
_PAREN = re.compile(r"\s*\(([^()]*)\)")


@dataclass(frozen=True)
class NamedStructure:
    """One structure of the anatomy as it is looked for.

    ``id`` is the structure's id without its side (``nerve_sciatic``; a midline structure's own
    id); ``members`` the (side, structure id) pairs it stands for; ``names`` its other names
    from the data (see the module); ``on_request`` whether it is drawn only on request (the
    organs and vessels layers).
    """

    id: str
    name: str
    kind: str
    region: str
    members: tuple[tuple[str, str], ...]
    names: tuple[str, ...] = ()
    on_request: bool = False
    level: str | None = None

    def on_side(self, side: str) -> list[str]:
        """The member ids to light for ``side`` (``left``, ``right`` or ``both``): a midline
        structure whatever the side; a paired one on that side, both for ``both``.
        """
        ids = [sid for s, sid in self.members if s == "midline" or side in ("both", s)]
        return ids or [sid for _, sid in self.members]


def base_name(name: str) -> str:
    """A structure's name without its side: ``"Sciatic nerve (left)"`` -> ``"Sciatic nerve"``."""
    return _SIDE_NAME.sub("", name).strip()


def base_id(structure: Structure) -> str:
    """A structure's id without its side (``nerve_sciatic_left`` -> ``nerve_sciatic``)."""
    suffix = f"_{structure.side}"
    if structure.side in ("left", "right") and structure.id.endswith(suffix):
        return structure.id[: -len(suffix)]
    return structure.id


def other_names(name: str) -> list[str]:
    """The names a structure's own name holds besides itself (see the module)."""
    out: list[str] = []
    m = _PAREN.search(name)
    if m is None:
        return out
    inside = m.group(1).strip()
    without = _PAREN.sub("", name).strip()
    if without and without != name:
        out.append(without)
    if inside and not any(c.islower() for c in inside):  # an abbreviation: "CN XI"
        out.append(inside)
    elif inside:  # a synonym of the word before it: "Common fibular (peroneal) nerve"
        before = name[: m.start()].rstrip()
        head, _, _ = before.rpartition(" ")
        out.append(f"{head} {inside}{name[m.end():]}".strip() if head or name[m.end():].strip()
                   else inside)
    return out


def _distinct(names: list[str], name: str) -> tuple[str, ...]:
    """``names`` without repeats (ignoring case) and without ``name`` itself."""
    seen = {name.casefold()}
    out = []
    for n in names:
        if n.casefold() not in seen:
            seen.add(n.casefold())
            out.append(n)
    return tuple(out)


def named_structures(manifest: Manifest, catalog_muscles: Iterable[str] = ()) -> tuple[NamedStructure, ...]:
    """Every structure of ``manifest`` (drawn or on request) a search should find, sides grouped,
    in manifest order; muscles (and sheets such as a fascia) that belong to a muscle in
    ``catalog_muscles`` are left out.
    """
    known = set(catalog_muscles)
    groups: dict[str, list[Structure]] = {}
    requested = {s.id for s in manifest.on_request}
    for s in manifest.every():
        if s.muscle and s.muscle in known:
            continue
        if s.kind == "muscle" and not s.muscle:
            continue  # a muscle's piece with no muscle id: the catalog's view of muscles is the one shown
        groups.setdefault(base_id(s), []).append(s)
    out = []
    for gid, members in groups.items():
        first = members[0]
        name = base_name(first.name)
        names: list[str] = other_names(name)
        if first.kind == "nerve":
            for part in first.parts:
                plain = _PAREN.sub("", part).strip()
                if plain:
                    names.append(plain)
        out.append(NamedStructure(gid, name, first.kind, first.region,
                                  tuple((s.side, s.id) for s in members), _distinct(names, name),
                                  first.id in requested, first.level))
    return tuple(out)
