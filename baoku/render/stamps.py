"""How much of the build time a template shows, so a page is rendered again only when
what it shows of it changes (a page that never mentions it is the same every day)."""

from __future__ import annotations

from collections.abc import Iterator

import jinja2
from jinja2 import meta, nodes

NONE, DATE, FULL = "none", "date", "full"
_RANK = {NONE: 0, DATE: 1, FULL: 2}
DATE_LENGTH = 10  # ``build_time[:10]``: YYYY-MM-DD


def build_time_use(env: jinja2.Environment, name: str) -> str:
    """``NONE``, ``DATE`` (only ``build_time[:10]``) or ``FULL``, for the template ``name``
    with every template it extends, includes or imports.

    Conservative: the whole ``site`` object used as a value, or a template chosen at
    render time, counts as ``FULL``.
    """
    use, seen, pending = NONE, set(), [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        source, filename, _ = (env.loader.get_source(env, current) if env.loader
                               else ("", None, None))
        tree = env.parse(source, current, filename)  # named: a syntax error names its file
        for found in _uses(tree):
            use = max(use, found, key=_RANK.__getitem__)
        for reference in meta.find_referenced_templates(tree):
            if reference is None:
                return FULL
            pending.append(reference)
    return use


def stamp(build_time: str, use: str) -> str:
    """What of ``build_time`` a page with that use shows."""
    return {NONE: "", DATE: build_time[:DATE_LENGTH], FULL: build_time}[use]


def _uses(node: nodes.Node, parent: nodes.Node | None = None) -> Iterator[str]:
    if _names_build_time(node):
        yield DATE if _is_date_slice(parent, node) else FULL
    elif isinstance(node, nodes.Name) and node.name == "site" and not (
            isinstance(parent, nodes.Getattr) and parent.node is node):
        yield FULL
    for child in node.iter_child_nodes():
        yield from _uses(child, node)


def _names_build_time(node: nodes.Node) -> bool:
    return ((isinstance(node, nodes.Name) and node.name == "build_time")
            or (isinstance(node, nodes.Getattr) and node.attr == "build_time"))


def _is_date_slice(parent: nodes.Node | None, node: nodes.Node) -> bool:
    if not (isinstance(parent, nodes.Getitem) and parent.node is node):
        return False
    cut = parent.arg
    return (isinstance(cut, nodes.Slice) and cut.start is None and cut.step is None
            and isinstance(cut.stop, nodes.Const) and cut.stop.value == DATE_LENGTH)
