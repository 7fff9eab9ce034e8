"""A small stdlib HTML reader for the page tests: links, ids, elements and their text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

LINK_ATTRS = {"href", "src", "action", "poster"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Page:
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attr, value)
    ids: set[str] = field(default_factory=set)
    elements: list[Element] = field(default_factory=list)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        """Elements with this tag whose attributes contain the given values (``_`` → ``-``)."""
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [e for e in self.elements if e.tag == tag
                and all(name in e.attrs and (value == "" or value in e.attrs[name].split()
                                             or e.attrs[name] == value)
                        for name, value in wanted.items())]

    def with_attr(self, name: str) -> list[Element]:
        return [e for e in self.elements if name in e.attrs]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        element = Element(tag, values)
        self.page.elements.append(element)
        for name, value in values.items():
            if name in LINK_ATTRS:
                self.page.links.append((tag, name, value))
            if name == "id":
                self.page.ids.add(value)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


def read_page(path: Path) -> Page:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader.page


def squash(text: str) -> str:
    return " ".join(text.split())
