"""An import-linter contract type for "every module here is pure, but for the named renderers".

import-linter's ``forbidden`` contract takes wildcards for its source modules but no exceptions,
so the pure-module contract used to be a hand-kept list that new modules missed. A ``pure``
contract takes wildcards (``ims_atlas.scene.**``) and a short list of ``renderers``: the modules
allowed to import the forbidden ones. Every other module matched, including any module added
later, is held to the contract. A renderer that no longer exists is an error, so the list cannot
go stale silently.

Registered in ``pyproject.toml`` (``contract_types``); ``lint-imports`` runs from the
repository's root, which puts this module on its path.
"""

from __future__ import annotations

from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.domain import fields
from importlinter.domain.helpers import module_expressions_to_modules
from importlinter.domain.imports import ModuleExpression


class PureContract(ForbiddenContract):
    """Forbidden, for each module matched by ``source_modules`` except the ``renderers``."""

    type_name = "pure"

    renderers = fields.SetField(subfield=fields.ModuleExpressionField(), required=False, default=set())

    def check(self, graph, verbose):
        """Expand the wildcards, drop the renderers, then check each remaining module by itself."""
        matched = module_expressions_to_modules(graph, self.source_modules, as_packages=True)
        for expression in self.renderers:
            if expression.expression not in graph.modules:
                raise ValueError(f"renderer {expression.expression!r} is not a module (remove it from the contract)")
        exempt = {m.name for m in module_expressions_to_modules(graph, self.renderers, as_packages=True)}
        if not matched:
            raise ValueError(f"{self.name}: the source modules match no module")
        self.source_modules = {ModuleExpression(m.name) for m in matched if m.name not in exempt}
        # Each module on its own: a package's __init__ is checked without its renderer children.
        self.as_packages = False
        return super().check(graph, verbose)
