"""PNG files: text metadata (what the picture shows, never who it is for) and encoding."""

from __future__ import annotations

import io

from PIL import Image, PngImagePlugin

from ims_atlas import __version__
from ims_atlas.anatomy.manifest import Structure
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.state import ViewState
from ims_atlas.export.annotations import SIDE_WORDS
from ims_atlas.scene.picture import Picture


def png_metadata(state: ViewState, picture: Picture, catalog: Catalog | None, clinic_name: str = "",
                 anatomy: str = "", structure: Structure | None = None) -> dict[str, str]:
    """The text chunks of an exported PNG.

    Condition (or segment), side, root segments, catalog and app versions, and ``anatomy``
    (the anatomy's credit, :func:`ims_atlas.anatomy.credit.anatomy_credit_long`) as
    ``Anatomy-Credit``; for a picture of one ``structure`` alone (found by name), its name,
    id and side, and where its anatomy comes from (``Structure-Source``, its licence). There is no parameter for a patient's name, on purpose: pictures are
    for slides and records.
    """
    meta = {"Software": f"IMS Atlas {__version__}", "App-Version": __version__}
    if anatomy.strip():
        meta["Anatomy-Credit"] = anatomy.strip()
    if catalog is not None and catalog.catalog_version:
        meta["Catalog-Version"] = catalog.catalog_version
    side = SIDE_WORDS.get(state.side, state.side)
    if picture.treatment is not None:
        plan = picture.treatment
        meta.update({
            "Title": f"{plan.condition.name}, {side}",
            "Condition": plan.condition.name,
            "Condition-Id": plan.condition.id,
            "Side": plan.side,
            "Segments": ", ".join(plan.segments),
            "Description": (
                f"{plan.condition.name} ({side}): local targets in "
                + ", ".join(dict.fromkeys(t.muscle.name for t in plan.local_targets))
                + f"; paraspinal targets beside the spine for roots {', '.join(plan.segments)}."
            ),
        })
    elif state.segment:
        meta.update({"Title": f"Segment {state.segment}, {side}", "Segment": state.segment, "Side": state.side,
                     "Segments": state.segment})
    elif structure is not None:
        meta.update({"Title": structure.name, "Structure": structure.name, "Structure-Id": structure.id,
                     "Side": structure.side})
        if structure.source.strip():
            meta["Structure-Source"] = structure.source.strip()
        if structure.licence.strip():
            meta["Structure-Licence"] = structure.licence.strip()
    else:
        meta["Title"] = "IMS Atlas"
    if clinic_name.strip():
        meta["Author"] = clinic_name.strip()
    return meta


def png_bytes(image: Image.Image, metadata: dict[str, str], dpi: int | None = None) -> bytes:
    """Encode a picture as PNG with ``metadata`` as text chunks (tEXt where Latin-1 allows,
    else iTXt). ``dpi`` is written as the physical pixel size (for print).
    """
    info = PngImagePlugin.PngInfo()
    for key, value in metadata.items():
        info.add_text(key, value)
    out = io.BytesIO()
    extra = {"dpi": (dpi, dpi)} if dpi else {}
    image.save(out, "PNG", pnginfo=info, optimize=False, compress_level=6, **extra)
    return out.getvalue()
