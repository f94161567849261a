"""The credit the anatomy's data carries on every export that shows it (NOTICE has it in full).

The meshes are baked from a data package (the manifest's ``source``: myo-sim, its version and
licence) and, for the structures it lacks, authored here from sourced attachments (each such
structure's own ``source`` begins "Authored for IMS Atlas"). The short credit goes on a
picture's small line and a PDF's page footer; the long one into a PNG's text metadata.
"""

from __future__ import annotations

from ims_atlas.anatomy.manifest import Manifest

#: How the bake begins the ``source`` of a structure authored here (not from the package).
AUTHORED_PREFIX = "Authored for IMS Atlas"


def _package(manifest: Manifest) -> tuple[str, str, str, str]:
    src = manifest.source if isinstance(manifest.source, dict) else {}
    return tuple(str(src.get(k) or "").strip() for k in ("package", "version", "licence", "model"))  # type: ignore[return-value]


def has_authored(manifest: Manifest) -> bool:
    """Whether some structures were authored here rather than taken from the package."""
    return any(s.source.startswith(AUTHORED_PREFIX) for s in (*manifest.structures, *manifest.on_request))


def anatomy_credit(manifest: Manifest) -> str:
    """The short credit, e.g. ``anatomy: myo-sim 0.2.3 (Apache-2.0) + authored``; "" when the
    manifest names no package (and nothing authored).
    """
    package, version, licence, _ = _package(manifest)
    authored = has_authored(manifest)
    if not package:
        return "anatomy: authored" if authored else ""
    return (f"anatomy: {package}" + (f" {version}" if version else "") + (f" ({licence})" if licence else "")
            + (" + authored" if authored else ""))


def anatomy_credit_long(manifest: Manifest, model: bool = True) -> str:
    """The credit in words (a PNG's metadata; without ``model``, a PDF's page foot): the
    package, its model and licence, and the structures authored here; "" when there is
    nothing to credit.
    """
    package, version, licence, model_name = _package(manifest)
    parts = []
    if package:
        parts.append(f"{package}" + (f" {version}" if version else "") + (f" ({model_name})" if model and model_name else "")
                     + (f", {licence}" if licence else "") + ", modified")
    if has_authored(manifest):
        parts.append("structures it lacks authored for IMS Atlas from sourced attachments")
    return "; ".join(parts) + "; see NOTICE" if parts else ""


def structure_credit(manifest: Manifest, structure_id: str) -> str:
    """The short credit of one structure's anatomy (a picture of it alone): ``anatomy: myo-sim
    0.2.3 (Apache-2.0)`` for the package's, ``anatomy: authored for IMS Atlas from published
    sources (NOTICE)`` for one authored here (its own ``source`` names them); "" for an id the
    manifest lacks or a structure with no source.
    """
    try:
        structure = manifest.requested(structure_id)
    except KeyError:
        return ""
    if structure.source.startswith(AUTHORED_PREFIX):
        return "anatomy: authored for IMS Atlas from published sources (NOTICE)"
    package, version, licence, _ = _package(manifest)
    if not package or not structure.source.strip():
        return ""
    return f"anatomy: {package}" + (f" {version}" if version else "") + (f" ({licence})" if licence else "")
