"""The site catalog: conditions, muscles, segments, targets and safety notes.

Load and validate (``load``, ``validate``), search (``search``) and plan (``plan``); the JSON
shapes of the command line are in ``json_views``. Plain Python, NumPy and jsonschema only: no
Qt, no VTK. Importing this package does no work; import the module you need.
"""
