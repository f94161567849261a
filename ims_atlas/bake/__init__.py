"""Build-time baking of the anatomy from myo-sim into ``meshes/``.

Needs the ``build`` extra (myo-sim, mujoco). The application never imports this package.
"""
