"""The mesh library: which anatomical structures exist, where their files are. No VTK here."""
