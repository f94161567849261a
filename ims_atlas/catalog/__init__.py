"""The clinical catalog: conditions, muscles, segments; load, validate, search. No Qt, no VTK."""
