"""Danger zones drawn over the anatomy: each measured hazard in red (the pleural sacs, which
wrap the whole lung, see-through), a line from each needle site to its nearest hazard's nearest
point (and from the site where each other hazard is shallowest),
the depth as a short label there and the full list ("lung and pleura: 2.8 cm under the skin at
Rhomboid minor") in the corner, clear of the targets' own labels. Works on any plotter.
"""

from __future__ import annotations

import numpy as np

from ims_atlas.anatomy.manifest import Manifest
from ims_atlas.scene.added_actors import AddedActors, structure_surface
from ims_atlas.study.danger_zones import DangerReport

#: Crimson, redder than the local targets' vermillion.
HAZARD_RGB = (0.86, 0.0, 0.24)
#: Opacity of a hazard that is a sac round an organ (the pleura): see-through, so the lung and
#: the needle line inside it show.
SAC_OPACITY = 0.45


class HazardLayer(AddedActors):
    """Adds and removes the danger-zone actors on a plotter.

    ``tags``: where the depth tags go, ``tags(items)`` with ``(text, point)`` pairs (``()``
    takes them away): the window's scene (:meth:`SceneController.set_extra_labels`), which lays
    them out with the targets' own labels, clear of every marker and label. Without it, on a
    bare plotter, they are VTK point labels at their points.
    """

    def __init__(self, plotter, tags=None) -> None:
        super().__init__(plotter)
        self._tags = tags
        self._tagged = False

    def hide(self, render: bool = True) -> None:
        """Remove every actor the layer added, and its depth tags."""
        if self._tagged and self._tags is not None:
            self._tags(())
            self._tagged = False
        super().hide(render)

    @property
    def shown(self) -> bool:
        """True while any of the layer's actors or tags is drawn."""
        return bool(self._actors) or self._tagged

    def show(self, report: DangerReport, manifest: Manifest, render: bool = True, max_sites: int = 12) -> None:
        """Draw every hazard measured near the report's sites, a line from each site to its
        nearest hazard, and each hazard's depth at the site where it is shallowest.
        """
        import pyvista as pv

        self.hide(render=False)
        drawn: set[str] = set()
        lined: set[tuple[str, str]] = set()
        closest: dict[str, tuple[float, tuple, str, tuple]] = {}
        sites = [s for s in report.sites if s.near][:max_sites]

        def line(site, m) -> None:
            if (site.target, m.structure) not in lined:
                lined.add((site.target, m.structure))
                self._add(self._plotter.add_mesh(pv.Line(site.site, m.nearest), color=HAZARD_RGB, line_width=3,
                                                 pickable=False, reset_camera=False))

        for site in sites:
            for i, m in enumerate(site.near):
                if m.structure not in drawn:
                    structure = manifest.requested(m.structure)
                    sac = structure.kind == "organ" and "pleura" in structure.id
                    self._add(self._plotter.add_mesh(structure_surface(manifest, structure), color=HAZARD_RGB,
                                                     opacity=SAC_OPACITY if sac else 0.95, pickable=False,
                                                     reset_camera=False))
                    drawn.add(m.structure)
                if i == 0:
                    line(site, m)
                best = closest.get(m.structure)
                if best is None or m.depth_from_skin_cm < best[0]:
                    closest[m.structure] = (m.depth_from_skin_cm, m.nearest,
                                            f"{manifest.requested(m.structure).name}: {m.depth_from_skin_cm:.1f} cm "
                                            f"under the skin at {site.target}", (site, m))
        # A hazard no site has nearest still gets the line from the site where it is shallowest.
        for *_, (site, m) in closest.values():
            line(site, m)
        # At each structure's point nearest the closest needle site: a dot and the depth; the
        # full lines in the upper left corner (long labels in the scene covered the targets').
        points = np.asarray([v[1] for v in closest.values()]).reshape(-1, 3)
        if len(points):
            self._add(self._plotter.add_mesh(pv.PolyData(points), color=HAZARD_RGB, point_size=9,
                                                       render_points_as_spheres=True, pickable=False,
                                                       reset_camera=False))
            tags = [f"{v[0]:.1f} cm" for v in closest.values()]
            if self._tags is not None:
                self._tags(tuple(zip(tags, (tuple(float(c) for c in p) for p in points), strict=True)))
                self._tagged = True
            else:
                self._add(self._plotter.add_point_labels(
                    points, tags, font_size=13, show_points=False, text_color="white", shape_color=(0.45, 0.05, 0.05),
                    shape_opacity=0.85, always_visible=True, reset_camera=False))
            self._add(self._plotter.add_text(
                "Danger zones (depth from the skin, this model body):\n"
                + "\n".join(v[2] for v in sorted(closest.values(), key=lambda v: v[0])),
                # (lower left: the upper left holds the viewport's caption, scene.view_caption)
                position="lower_left", font_size=10, color="white", name="hazard-legend"))
        if render:
            self._plotter.render()
