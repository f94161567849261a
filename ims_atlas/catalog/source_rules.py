"""Rules for the catalog's sources: none from a denied web site, each a findable publication.

The deny list (``source_denylist.json`` beside this module) names web sites a clinician would
not accept as a source (AI-written pages, answer sites, quiz and flash-card sites, copies of
others' documents), each with the reason. A source's ``url`` whose host is a listed domain or a
sub-domain of one is rejected. Every source must also say who wrote it (``authors`` or
``institution``), its ``title`` and its ``year``; a title in square brackets (a description
written by whoever entered the source, not the published title) is refused; and a publication is
entered once: two sources with the same DOI, or the same title and year, are one source under two
ids.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

DENYLIST_PATH = Path(__file__).resolve().with_name("source_denylist.json")


@cache
def denied_domains() -> dict[str, str]:
    """``{domain: reason}`` from the deny list (read once per process)."""
    doc = json.loads(DENYLIST_PATH.read_text(encoding="utf-8"))
    return {entry["domain"].lower().strip("."): entry["reason"] for entry in doc["domains"]}


def host_of(url: str) -> str:
    """The lower-case host of a web address (``""`` if it has none)."""
    try:
        return (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def denied_message(where: str, url: str, hit: tuple[str, str]) -> str:
    """What to say of a source at ``where`` whose ``url`` is on the deny list (``hit``: the
    domain and the list's reason, from :func:`denied`).
    """
    return (f"{where} <{url}>: {hit[0]} is on the source deny list ({hit[1]}; "
            f"ims_atlas/catalog/{DENYLIST_PATH.name}); cite the original publication")


def denied(url: str, domains: dict[str, str] | None = None) -> tuple[str, str] | None:
    """``(domain, reason)`` if ``url`` is on a denied site (the domain or a sub-domain), else None."""
    domains = denied_domains() if domains is None else domains
    host = host_of(url)
    while host:
        if host in domains:
            return host, domains[host]
        host = host.partition(".")[2]
    return None


def missing_fields(source: dict) -> list[str]:
    """What a source lacks to be findable: ``authors (or institution)``, ``title``, ``year``
    (an undated web page gives the year it was read as ``accessed``).
    """
    missing = []
    authors = source.get("authors")
    has_authors = isinstance(authors, list) and any(isinstance(a, str) and a.strip() for a in authors)
    institution = source.get("institution")
    if not has_authors and not (isinstance(institution, str) and institution.strip()):
        missing.append("authors (or institution)")
    if not (isinstance(source.get("title"), str) and source["title"].strip()):
        missing.append("title")
    if not isinstance(source.get("year"), int) and not isinstance(source.get("accessed"), int):
        missing.append("year (or accessed, for an undated page)")
    return missing


def bracketed_title(source: dict) -> bool:
    """Whether the source's title opens with a square bracket: a description standing in for the
    published title ("[Cadaver study of ...]"), which a reader cannot look up.
    """
    title = source.get("title")
    return isinstance(title, str) and title.strip().startswith("[")


def check_sources(sources: object, add: Callable[[list, str, str], None], where: tuple = ("sources",), *,
                  severity: str = "error", fields_severity: str | None = None) -> None:
    """Report every denied or unfindable source through ``add(path parts, message, severity)``.

    ``fields_severity`` (default: ``severity``) is for a source that lacks authors, title or
    year: a clinic's own user catalog may cite its own notes, which is only a warning there.
    """
    fields_severity = fields_severity or severity
    if not isinstance(sources, dict):
        return
    for key, source in sources.items():
        if not isinstance(source, dict):
            continue  # the schema reports it
        url = source.get("url")
        if isinstance(url, str):
            hit = denied(url)
            if hit is not None:
                add([*where, key, "url"], f"{hit[0]} is on the source deny list: {hit[1]} "
                    "(ims_atlas/catalog/source_denylist.json); cite the original publication", severity)
        lacking = missing_fields(source)
        if "year" in source or "accessed" in source:
            # A year of the wrong type is the schema's to report, once.
            lacking = [field for field in lacking if not field.startswith("year")]
        if lacking:
            add([*where, key], f"source lacks {', '.join(lacking)}: every source must name who wrote it, "
                "its title and its year", fields_severity)
        if bracketed_title(source):
            add([*where, key, "title"], "the title is in square brackets, a description rather than the "
                "published title: give the title as published (or cite another source)", fields_severity)


#: A DOI as written in an address or a citation ("doi:10.1179/2042618613Y.0000000044.").
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")


def dois_of(source: dict) -> set[str]:
    """The DOIs a source names in its ``url`` or ``citation``, lower-case, without the
    punctuation that ends the sentence around them.
    """
    found = set()
    for field in ("url", "citation"):
        text = source.get(field)
        if isinstance(text, str):
            for doi in _DOI.findall(text):
                doi = doi.rstrip(".,;:")
                if doi.endswith(")") and doi.count("(") < doi.count(")"):
                    doi = doi[:-1]
                found.add(doi.lower())
    return found


def title_key(source: dict) -> tuple[str, int] | None:
    """The title without case, punctuation or spacing, with the year (or ``accessed``);
    None when either is missing.
    """
    title, year = source.get("title"), source.get("year", source.get("accessed"))
    if not isinstance(title, str) or not isinstance(year, int):
        return None
    key = "".join(ch for ch in title.casefold() if ch.isalnum())
    return (key, year) if key else None


def check_duplicates(tables: Iterable[tuple[tuple, object]], add: Callable[[list, str, str], None],
                     severity: str = "error") -> None:
    """Report a source that is the same publication as an earlier one (same DOI, or same
    title and year), across every ``(where, {id: source})`` table, through ``add``.
    """
    first_doi: dict[str, str] = {}
    first_title: dict[tuple[str, int], str] = {}
    for where, table in tables:
        if not isinstance(table, dict):
            continue
        for key, source in table.items():
            if not isinstance(source, dict):
                continue
            same = None
            for doi in sorted(dois_of(source)):
                if doi in first_doi and same is None:
                    same = (first_doi[doi], f"DOI {doi}")
                first_doi.setdefault(doi, key)
            tkey = title_key(source)
            if tkey is not None:
                if tkey in first_title and same is None:
                    same = (first_title[tkey], f"title and year {tkey[1]}")
                first_title.setdefault(tkey, key)
            if same is not None:
                add([*where, key], f"source {key!r} is the same publication as {same[0]!r} (same {same[1]}): "
                    "keep one id and cite it everywhere", severity)
