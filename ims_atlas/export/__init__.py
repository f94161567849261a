"""Annotated pictures (PNG) and patient handouts (PDF), rendered off screen.

Pure parts (label layout, projection, annotations, handout words) are plain Python; only
:mod:`ims_atlas.export.render` touches VTK, and nothing here touches Qt. Importing the
package does no work: the modules are imported by the code that exports.
"""
