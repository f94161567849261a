"""Build-time helpers for packaging IMS Atlas (not part of the installed package)."""
