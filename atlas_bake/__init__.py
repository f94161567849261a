"""Build-time tools that bake data files from the anatomy (never imported by the application)."""
