"""The technologies, one module each, found by name: the ``georedflow.technologies``
entry points, so that another package can ship one (as TaskFlow finds its job boards).

Only the names are read until a technology is asked for: the API's and the CLI's
choices cost no import of the flows. ``base.Technology`` is the interface.
"""

import functools
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from georedflow.technologies.base import Technology

GROUP = "georedflow.technologies"


@functools.cache
def names() -> tuple[str, ...]:
    """Every installed technology's name, sorted."""
    return tuple(sorted({entry.name for entry in entry_points(group=GROUP)}))


@functools.cache
def get(name: str) -> "Technology":
    """The technology of that name; ``KeyError`` naming the known ones if there is none."""
    for entry in entry_points(group=GROUP, name=name):
        technology: Technology = entry.load()()
        return technology
    raise KeyError(f"no technology named {name!r}; installed: {', '.join(names())}")


@functools.cache
def physnet_roles() -> tuple[str, ...]:
    """The entries of a site's physical_networks that the technologies read, sorted."""
    return tuple(sorted({n for n in (get(name).needs.physnet for name in names()) if n}))
