"""The About box's text: version, data sources, licences, and any problems with the data."""

from __future__ import annotations

from html import escape

from ims_atlas import __version__
from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.errors import Problem


def about_html(manifest: Manifest, catalog: Catalog | None, problems: list[Problem]) -> str:
    """HTML for the About box."""
    src = manifest.source
    listed = "".join(f"<li>{escape(str(p))}</li>" for p in problems[:20])
    more = f"<li>… and {len(problems) - 20} more</li>" if len(problems) > 20 else ""
    catalog_text = ""
    if catalog is not None:
        catalog_text = f"<p>Clinical catalog {escape(str(catalog.catalog_version))}: sources cited entry by entry.</p>"
    return (
        f"<h3>IMS Atlas {__version__}</h3>"
        "<p>A 3D atlas linking needling sites to their nerve-root segments and paraspinal targets.</p>"
        f"<p>Anatomy: {escape(str(src.get('package', '?')))} {escape(str(src.get('version', '')))}, model "
        f"{escape(str(src.get('model', '?')))}, {escape(str(src.get('licence', '?')))} (MyoSuite / myo-sim authors). "
        "See NOTICE.</p>"
        f"{catalog_text}"
        "<p>IMS Atlas is open source under the Apache-2.0 licence. It sends nothing over the network.</p>"
        "<p>Keys: 1-5 views · R reset · Esc clear · Ctrl+F find · L labels · I isolate · H hide · A show all · "
        "Ctrl+Shift+S save preset · Ctrl+1…9 presets · Ctrl+E export image.</p>"
        + (f"<p>Problems found in the data:</p><ul>{listed}{more}</ul>" if problems else "")
    )
