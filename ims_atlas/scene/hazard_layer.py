"""Danger zones drawn over the anatomy: each measured hazard in red, a line from the needle
site on the skin to its nearest point, and the distance as a label. Works on any plotter.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.anatomy.mesh_file import read_mesh
from ims_atlas.study.danger_zones import DangerReport

#: Crimson, redder than the local targets' vermillion.
HAZARD_RGB = (0.86, 0.0, 0.24)


class HazardLayer:
    """Adds and removes the danger-zone actors on a plotter."""

    def __init__(self, plotter) -> None:
        self._plotter = plotter
        self._actors: list = []

    @property
    def shown(self) -> bool:
        """True while danger zones are drawn."""
        return bool(self._actors)

    def show(self, report: DangerReport, manifest: Manifest, render: bool = True, max_sites: int = 12) -> None:
        """Draw the hazards near the report's sites (the nearest per site), with their depths."""
        import pyvista as pv

        self.hide(render=False)
        drawn: set[str] = set()
        closest: dict[str, tuple[float, tuple, str]] = {}
        sites = [s for s in report.sites if s.near][:max_sites]
        for site in sites:
            m = site.near[0]
            if m.structure not in drawn:
                structure = manifest.requested(m.structure)
                mesh = read_mesh(manifest.file_path(structure), structure.triangles)
                faces = np.hstack([np.full((len(mesh.faces), 1), 3), mesh.faces]).ravel()
                self._actors.append(self._plotter.add_mesh(pv.PolyData(mesh.points, faces), color=HAZARD_RGB,
                                                           opacity=0.95, pickable=False, reset_camera=False))
                drawn.add(m.structure)
            line = pv.Line(site.site, m.nearest)
            self._actors.append(self._plotter.add_mesh(line, color=HAZARD_RGB, line_width=3, pickable=False,
                                                       reset_camera=False))
            best = closest.get(m.structure)
            if best is None or m.depth_from_skin_cm < best[0]:
                closest[m.structure] = (m.depth_from_skin_cm, m.nearest,
                                        f"{m.hazard}: {m.depth_from_skin_cm:.1f} cm under the skin at {site.target}")
        # One label per structure, at its point nearest the closest needle site (away from the
        # target labels, which sit at the epicentres).
        points = [v[1] for v in closest.values()]
        labels = [v[2] for v in closest.values()]
        if points:
            self._actors.append(self._plotter.add_point_labels(
                np.asarray(points), labels, font_size=13, point_size=9, point_color=HAZARD_RGB,
                text_color="white", shape_color=(0.45, 0.05, 0.05), shape_opacity=0.85, always_visible=True,
                reset_camera=False))
        if render:
            self._plotter.render()

    def hide(self, render: bool = True) -> None:
        """Remove every danger-zone actor."""
        for a in self._actors:
            self._plotter.remove_actor(a, render=False)
        self._actors = []
        if render:
            self._plotter.render()
