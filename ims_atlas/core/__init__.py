"""Plain-Python foundations: ids, sides, spinal segments, errors, paths. No Qt, no VTK."""
