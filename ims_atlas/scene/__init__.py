"""The 3D scene: pure plans (palette, views, plan) and the PyVista controller that applies them.

``plan``, ``palette`` and ``views`` import no VTK; ``controller`` and ``meshes`` do.
"""
