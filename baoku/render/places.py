"""The place hierarchy (district → town → village) built from ``Place.parent`` names.

The site's hierarchy starts at the district: a district's parent (its city) is kept as a
grouping label on the districts index, not as a page of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model import Archive, Place

LEVEL_ABOVE = {"village": "town", "town": "district"}


@dataclass(frozen=True)
class PlaceTree:
    places: dict[str, Place]  # canonical name → the first Place seen with that name
    children: dict[str, tuple[str, ...]]  # sorted child names
    regions: dict[str, str]  # district → the city (or other region) it belongs to

    def ancestors(self, name: str) -> tuple[str, ...]:
        """Enclosing places, outermost first; a parent cycle stops the walk."""
        chain: list[str] = []
        parent = self.places[name].parent if name in self.places else None
        while parent and parent != name and parent in self.places and parent not in chain:
            chain.append(parent)
            parent = self.places[parent].parent
        return tuple(reversed(chain))

    def roots(self) -> tuple[str, ...]:
        return tuple(sorted(n for n, p in self.places.items() if not p.parent))


def build_place_tree(archive: Archive) -> PlaceTree:
    seen: dict[str, Place] = {}
    for issue in archive.issues:
        for article in issue.articles:
            for place in article.places:
                # Articles may disagree; a mention that knows its parent wins.
                known = seen.get(place.name)
                if known is None or (known.parent is None and place.parent):
                    seen[place.name] = place
    regions = {p.name: p.parent for p in seen.values() if p.level == "district" and p.parent}
    cities = set(regions.values()) - set(seen)
    places: dict[str, Place] = {}
    for name, place in seen.items():
        if place.level == "district" or place.parent in cities:
            place = replace(place, parent=None)  # the hierarchy starts at the district
        places[name] = place
    # A town or village's parent named only as a parent still gets a node (and a page).
    for place in list(places.values()):
        if place.parent and place.parent not in places:
            level = LEVEL_ABOVE.get(place.level, "district")
            places[place.parent] = Place(place.parent, level)  # type: ignore[arg-type]
    children: dict[str, list[str]] = {}
    for name, place in places.items():
        if place.parent and place.parent != name:
            children.setdefault(place.parent, []).append(name)
    return PlaceTree(places, {k: tuple(sorted(v)) for k, v in children.items()}, regions)
