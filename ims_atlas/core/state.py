"""What the user is looking at: the one mutable shared state. Widgets write it; the scene
and the panels observe it. Plain Python: no Qt, no VTK.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace

LAYER_NAMES = ("bones", "spine", "muscles", "nerves")


@dataclass(frozen=True)
class ViewState:
    """A snapshot of the state (immutable, so observers can compare old and new)."""

    condition_id: str | None = None
    side: str = "right"
    segment: str | None = None
    selection: str | None = None  # a structure id picked in the 3D view
    layers: tuple[tuple[str, bool], ...] = tuple((name, True) for name in LAYER_NAMES)
    view: str = "anterior"  # a named whole-body view (scene.views.VIEWS), or "custom"
    panels: str = "both"  # of a plan's two views (local targets, spine): "local", "spine" or "both"
    lay_names: bool = False
    labels: bool = True  # names beside the target markers
    hidden: frozenset[str] = frozenset()  # structure ids the user hid
    isolated: frozenset[str] = frozenset()  # when not empty, only these structures are drawn
    opacity: tuple[tuple[str, float], ...] = tuple((name, 1.0) for name in LAYER_NAMES)

    def layer_on(self, layer: str) -> bool:
        """Whether a layer is shown."""
        return dict(self.layers).get(layer, True)

    def layer_opacity(self, layer: str) -> float:
        """The opacity factor (0-1) of a layer."""
        return dict(self.opacity).get(layer, 1.0)


Observer = Callable[[ViewState, ViewState], None]


@dataclass
class AppState:
    """Holds the current :class:`ViewState` and tells observers when it changes."""

    current: ViewState = field(default_factory=ViewState)
    _observers: list[Observer] = field(default_factory=list, repr=False)

    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer(old, new)`` after every change; returns a function that unsubscribes."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer) if observer in self._observers else None

    def update(self, **changes) -> bool:
        """Change some fields at once; observers hear about it once. Returns whether anything changed."""
        names = {f.name for f in fields(ViewState)}
        unknown = set(changes) - names
        if unknown:
            raise TypeError(f"unknown state field(s): {', '.join(sorted(unknown))}")
        new = replace(self.current, **changes)
        if new == self.current:
            return False
        old, self.current = self.current, new
        for observer in list(self._observers):
            observer(old, new)
        return True

    def set_layer(self, layer: str, on: bool) -> bool:
        """Show or hide one layer."""
        layers = tuple((name, on if name == layer else value) for name, value in self.current.layers)
        return self.update(layers=layers)

    def set_opacity(self, layer: str, value: float) -> bool:
        """Set one layer's opacity factor (clamped to 0-1)."""
        value = min(max(float(value), 0.0), 1.0)
        opacity = tuple((name, value if name == layer else v) for name, v in self.current.opacity)
        return self.update(opacity=opacity)
