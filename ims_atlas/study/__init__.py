"""Segmental study: find the segment from examination findings, quizzes, dermatome maps.

Pure layer (no Qt, no VTK): the Qt panels, the scene and the command line present what these
modules compute. Nothing is done at import.
"""
