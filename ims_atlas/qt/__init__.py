"""The desktop shell: the only layer that imports Qt."""
