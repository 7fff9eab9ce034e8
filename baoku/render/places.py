"""The place hierarchy (district → town → village) built from ``Place.parent`` names.

The site's hierarchy starts at the district: a district's parent (its city) is kept as a
grouping label on the districts index, not as a page of its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from ..model import Archive, Place

LEVEL_ABOVE = {"village": "town", "town": "district"}


@dataclass(frozen=True)
class PlaceTree:
    places: dict[str, Place]  # canonical name → the Place most mentions of it agree on
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

    def trail(self, place: Place) -> tuple[str, ...]:
        """Enclosing places of one mention, outermost first: its own parent when it names
        one, so a town that shares its name with a town elsewhere keeps its own district."""
        parent = place.parent
        if (place.level == "district" or not parent or parent == place.name
                or parent not in self.places):
            return self.ancestors(place.name)
        above = self.ancestors(parent)
        return above if place.name in above else (*above, parent)

    def roots(self) -> tuple[str, ...]:
        return tuple(sorted(n for n, p in self.places.items() if not p.parent))


def _agreed_places(archive: Archive) -> dict[str, Place]:
    """Each place name's Place as most mentions give it, a mention that knows its parent
    before one that does not. Independent of the archive's order, so adding an issue
    changes a place's node only when the new mentions tip the count."""
    counts: Counter[Place] = Counter()
    for issue in archive.issues:
        for article in issue.articles:
            counts.update(article.places)
    best: dict[str, tuple[tuple[bool, int, str, str, str], Place]] = {}
    for place, count in counts.items():
        # Ties go to the alphabetically first parent, level and code: any fixed rule does.
        rank = (place.parent is None, -count, place.parent or "", place.level, place.code or "")
        known = best.get(place.name)
        if known is None or rank < known[0]:
            best[place.name] = (rank, place)
    return {name: place for name, (_, place) in sorted(best.items())}


def build_place_tree(archive: Archive) -> PlaceTree:
    seen = _agreed_places(archive)
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
