"""IMS Atlas: a 3D atlas of needling sites and the nerve-root segments behind them.

Importing this package does no work: subpackages are imported by the code that needs them.
"""

__version__ = "0.1.0"
