"""Rules for the catalog's sources: none from a denied web site, each a findable publication.

The deny list (``source_denylist.json`` beside this module) names web sites a clinician would
not accept as a source (AI-written pages, answer sites, quiz and flash-card sites, copies of
others' documents), each with the reason. A source's ``url`` whose host is a listed domain or a
sub-domain of one is rejected. Every source must also say who wrote it (``authors`` or
``institution``), its ``title`` and its ``year``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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
