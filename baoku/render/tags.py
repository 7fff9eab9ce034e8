"""Tag pages: districts and places, topics, reporters — grouped in one pass over articles."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from .. import urls
from ..model import Archive
from ..present import LEVEL_LABELS, ArchiveIndex
from ..views import (
    ArticleSummary,
    Link,
    PlacePage,
    ReporterPage,
    TagCount,
    TagGroup,
    TagIndexPage,
    TopicPage,
)
from .places import PlaceTree

Plan = tuple[str, str, Any]
TEMPLATES = {PlacePage: "place.html", TopicPage: "topic.html", ReporterPage: "reporter.html"}
Groups = dict[str, list[ArticleSummary]]


# Articles per tag page (one line each); longer lists continue on …/2/, …/3/.
PAGE_SIZE = 500
# Page links either side of the current page; the first and last are always linked, so a
# page's navigation stays the same size however long the list.
PAGE_LINKS_AROUND = 3


def page_numbers(current: int, last: int, around: int = PAGE_LINKS_AROUND) -> list[int]:
    """The page numbers a page of a ``last``-page list links: the first, the last and
    those within ``around`` of ``current``."""
    near = range(max(1, current - around), min(last, current + around) + 1)
    return sorted({1, last, *near})


def paginate(path: str, view: Any) -> Iterator[Plan]:
    """One plan per page of ``view.articles``; a short list stays a single page."""
    articles, template = view.articles, TEMPLATES[type(view)]
    chunks = [articles[i:i + PAGE_SIZE] for i in range(0, len(articles), PAGE_SIZE)] or [()]
    view = replace(view, total=len(articles))
    if len(chunks) == 1:
        yield path, template, view
        return
    for number, chunk in enumerate(chunks, start=1):
        links = tuple(Link(str(n), None if n == number else urls.paged(path, n))
                      for n in page_numbers(number, len(chunks)))
        title = view.title if number == 1 else f"{view.title}（第 {number} 页）"
        yield urls.paged(path, number), template, replace(
            view, articles=chunk, pages=links, title=title)


def _by_count(counts: list[TagCount]) -> tuple[TagCount, ...]:
    return tuple(sorted(counts, key=lambda t: (-t.count, t.name)))


def group_places(archive: Archive, index: ArchiveIndex, tree: PlaceTree) -> Groups:
    """Articles under each place, counting an article for every enclosing place too."""
    groups: Groups = {}
    for issue in archive.issues:
        for article in issue.articles:
            names: dict[str, None] = {}
            for place in article.places:
                names.update(dict.fromkeys(tree.trail(place)))
                names[place.name] = None
            summary = index.summaries[issue.article_id(article)]
            for name in names:
                groups.setdefault(name, []).append(summary)
    return groups


def region_anchor(region: str) -> str:
    return f"r-{urls.tag_slug(region)}"


def region_groups(districts: tuple[TagCount, ...], tree: PlaceTree) -> tuple[TagGroup, ...]:
    """Districts under their city, when the gazetteer names one (the others go to the
    page's one catch-all group, see ``plan_places``)."""
    if not any(t.name in tree.regions for t in districts):
        return ()
    by_region: dict[str, list[TagCount]] = {}
    for tag in districts:
        if tag.name in tree.regions:
            by_region.setdefault(tree.regions[tag.name], []).append(tag)
    return tuple(TagGroup(r, region_anchor(r), tuple(by_region[r])) for r in sorted(by_region))


def place_crumbs(name: str, tree: PlaceTree) -> tuple[Link, ...]:
    trail = tree.ancestors(name)
    top = trail[0] if trail else name
    crumbs = [Link("首页", urls.home()), Link("地区", urls.district_index())]
    if top in tree.regions:
        region = tree.regions[top]
        crumbs.append(Link(region, urls.district_index(), region_anchor(region)))
    crumbs += [Link(a, urls.place_page(a)) for a in trail]
    return (*crumbs, Link(name))


def plan_places(archive: Archive, index: ArchiveIndex, tree: PlaceTree) -> Iterator[Plan]:
    groups = group_places(archive, index, tree)

    def count(name: str) -> TagCount:
        level = tree.places[name].level
        return TagCount(name, urls.place_page(name), len(groups.get(name, ())),
                        LEVEL_LABELS.get(level, level))

    roots = tree.roots()
    districts = _by_count([count(n) for n in roots if tree.places[n].level == "district"])
    grouped = region_groups(districts, tree)
    # One catch-all: districts of no known city (when others have one) and places of no
    # known district.
    cityless = [t for t in districts if t.name not in tree.regions] if grouped else []
    yield urls.district_index(), "districts.html", TagIndexPage(
        title="地区",
        description="按区县浏览：每个区县下的街道乡镇、社区村及相关文章。",
        kind="place",
        tags=districts,
        others=_by_count(cityless + [count(n) for n in roots
                                     if tree.places[n].level != "district"]),
        groups=grouped,
    )
    for name in sorted(tree.places):
        place = tree.places[name]
        level = LEVEL_LABELS.get(place.level, place.level)
        articles = tuple(groups.get(name, ()))
        yield from paginate(urls.place_page(name), PlacePage(
            title=name,
            description=f"{name}（{level}）相关文章 {len(articles)} 篇。",
            name=name,
            level_label=level,
            crumbs=place_crumbs(name, tree),
            children=_by_count([count(c) for c in tree.children.get(name, ())]),
            articles=articles,
        ))


def group_by(archive: Archive, index: ArchiveIndex,
             names_of: Callable[[Any], tuple[str, ...]]) -> Groups:
    groups: Groups = {}
    for issue in archive.issues:
        for article in issue.articles:
            summary = index.summaries[issue.article_id(article)]
            for name in dict.fromkeys(names_of(article)):
                groups.setdefault(name, []).append(summary)
    return groups


def plan_topics(archive: Archive, index: ArchiveIndex) -> Iterator[Plan]:
    groups = group_by(archive, index, lambda a: a.topics)
    yield urls.topic_index(), "topics.html", TagIndexPage(
        title="主题",
        description="按主题浏览全部文章。",
        kind="topic",
        tags=_by_count([TagCount(n, urls.topic_page(n), len(g)) for n, g in groups.items()]),
    )
    for name in sorted(groups):
        articles = tuple(groups[name])
        yield from paginate(urls.topic_page(name), TopicPage(
            title=f"主题：{name}",
            description=f"主题“{name}”下的文章 {len(articles)} 篇。",
            name=name,
            crumbs=(Link("首页", urls.home()), Link("主题", urls.topic_index()), Link(name)),
            articles=articles,
        ))


def plan_reporters(archive: Archive, index: ArchiveIndex) -> Iterator[Plan]:
    groups = group_by(archive, index, lambda a: a.people)
    roles: dict[str, dict[str, None]] = {}
    for issue in archive.issues:
        for article in issue.articles:
            for name in article.reporters:
                roles.setdefault(name, {})["记者"] = None
            for name in article.photographers:
                roles.setdefault(name, {})["摄影"] = None
    yield urls.reporter_index(), "reporters.html", TagIndexPage(
        title="记者",
        description="按记者与摄影者浏览署名文章。",
        kind="person",
        tags=_by_count([TagCount(n, urls.reporter_page(n), len(g),
                                 "、".join(sorted(roles.get(n, {}))))
                        for n, g in groups.items()]),
    )
    for name in sorted(groups):
        articles = tuple(groups[name])
        yield from paginate(urls.reporter_page(name), ReporterPage(
            title=name,
            description=f"{name}署名的文章 {len(articles)} 篇。",
            name=name,
            crumbs=(Link("首页", urls.home()), Link("记者", urls.reporter_index()), Link(name)),
            articles=articles,
            roles=tuple(sorted(roles.get(name, {}))),
        ))
