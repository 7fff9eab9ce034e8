"""Render stage: the page plan (which pages exist, with which view model) and the renderer.

``plan_pages`` is linear in articles and yields one ``PagePlan`` per output file;
``render_page`` turns a plan into bytes. Both are deterministic, so an incremental
build can render only the plans that changed and match a full build byte for byte.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Protocol

import jinja2

from .. import urls
from ..citation import absolute_url, citation_context
from ..config import Config
from ..feeds import extra_files
from ..model import Archive, Article, Issue, OutputFile
from ..present import ArchiveIndex, build_index
from ..search.fold import SCRIPT_NAME as FOLD_SCRIPT
from ..search.fold import fold_script
from ..templating import HtmlEnvironment
from ..views import NavItem, SiteInfo
from . import parallel
from .articles import plan_articles, plan_issues
from .home import plan_home, plan_years
from .misc import plan_report, plan_search, plan_site_pages, site_page_path
from .places import PlaceTree, build_place_tree
from .tags import plan_places, plan_reporters, plan_topics


@dataclass(frozen=True)
class PagePlan:
    """One output file: its site path, the template and the view model it renders."""

    path: str
    template: str
    view: Any  # a frozen view model from ``baoku.views``
    site: SiteInfo


TEXT_TEMPLATES = ("txt",)


def make_environment(config: Config) -> jinja2.Environment:
    """Librarian theme first, then the built-in one (also reachable as ``builtin/…``)."""
    builtin = jinja2.FileSystemLoader(str(config.builtin_theme_dir / "templates"))
    loaders: list[jinja2.BaseLoader] = []
    if config.theme_dir.resolve() != config.builtin_theme_dir.resolve():
        loaders.append(jinja2.FileSystemLoader(str(config.theme_dir / "templates")))
    loaders += [builtin, jinja2.PrefixLoader({"builtin": builtin})]
    env = HtmlEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(disabled_extensions=TEXT_TEMPLATES,
                                            default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no stat of every template per page
    )
    env.filters["relative"] = relative_via
    env.filters["query_value"] = urls.query_value
    return env


def relative_via(path: str, url: Callable[[str], str]) -> str:
    """``{{ path|relative(url) }}``: the same link as ``{{ url(path) }}``. Built-in
    templates use the filter: Jinja calls a filter directly, while every call of a
    function from the context goes through ``Context.call`` (tens of links a page)."""
    return url(path)


def site_info(archive: Archive, config: Config) -> SiteInfo:
    nav = [
        NavItem("首页", urls.home()),
        NavItem("地区", urls.district_index()),
        NavItem("主题", urls.topic_index()),
        NavItem("记者", urls.reporter_index()),
        NavItem("检索", urls.search_page()),
        NavItem("数据", urls.data_page()),
    ]
    pages = sorted(archive.pages, key=lambda p: (p.order, p.slug))
    nav += [NavItem(p.title, site_page_path(p.slug)) for p in pages]
    return SiteInfo(
        title=config.site_title,
        description=config.site_description,
        base_url=config.base_url,
        nav=tuple(nav),
        build_time=archive.generated_at,
        footer=(NavItem("生成报告", urls.report_page()),),
    )


def plan_pages(archive: Archive, config: Config) -> Iterator[PagePlan]:
    """Every page of the site, in a stable order."""
    site = site_info(archive, config)
    index = build_index(archive)
    tree = build_place_tree(archive)
    citations = Citations(index.articles, config)
    for path, template, view in _all_views(archive, config, index, tree, citations):
        yield PagePlan(path, template, view, site)


class Citations(Mapping[str, dict[str, str]]):
    """Every article's ``citation_context`` by article id, made when its page is planned:
    held for the whole archive at once they were ~2.8 KB an article."""

    def __init__(self, articles: Mapping[str, tuple[Issue, Article]], config: Config) -> None:
        self.articles, self.config = articles, config

    def __getitem__(self, key: str) -> dict[str, str]:
        issue, article = self.articles[key]
        return citation_context(issue, article, self.config)

    def __iter__(self) -> Iterator[str]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)


def plan_issue_pages(archive: Archive, config: Config, issue_ids: Collection[str]
                     ) -> Iterator[PagePlan]:
    """The home page and the given issues' own pages (issue page, raw text, articles),
    planned exactly as ``plan_pages`` plans them: what makes a new issue readable at once,
    before the tag pages and the rest of the archive catch up."""
    site = site_info(archive, config)
    wanted = [issue for issue in archive.issues if issue.id in issue_ids]
    # Summaries only of the articles these pages show: their own and their related ones.
    shown = {issue.article_id(a) for issue in wanted for a in issue.articles}
    shown.update(r for issue in wanted for a in issue.articles for r in a.related)
    index = build_index(archive, only_articles=shown)
    tree = build_place_tree(archive)
    citations = {issue.article_id(article): citation_context(issue, article, config)
                 for issue in wanted for article in issue.articles}
    views = chain(plan_home(archive, index), plan_issues(archive, config, index, issue_ids),
                  plan_articles(archive, index, tree, citations, issue_ids))
    for path, template, view in views:
        yield PagePlan(path, template, view, site)


def _all_views(archive: Archive, config: Config, index: ArchiveIndex, tree: PlaceTree,
               citations: Mapping[str, dict[str, str]]) -> Iterable[tuple[str, str, Any]]:
    yield from plan_home(archive, index)
    yield from plan_years(index)
    yield from plan_issues(archive, config, index)
    yield from plan_articles(archive, index, tree, citations)
    yield from plan_places(archive, index, tree)
    yield from plan_topics(archive, index)
    yield from plan_reporters(archive, index)
    yield from plan_site_pages(archive)
    yield from plan_report(archive)
    yield from plan_search(archive, config)


def _is_active(here: str, target: str) -> bool:
    if target == "":
        return here == ""
    return here.startswith(target)


def site_context(site: SiteInfo, here: str, title: str, description: str) -> dict[str, Any]:
    """The base context every template receives (the template contract), minus ``page``."""

    url = urls.linker(here)

    def asset(name: str) -> str:
        return url(urls.static_file(name))

    return {
        "site": site,
        "title": title,
        "description": description,
        "here": here,
        "url": url,
        "asset": asset,
        "nav": [(item.label, item.path, _is_active(here, item.path)) for item in site.nav],
        "canonical": absolute_url(site.base_url, here),
        "build_time": site.build_time,
        "feed": urls.feed(),
        "search_page": urls.search_page(),
        "page": None,
    }


def base_context(plan: PagePlan) -> dict[str, Any]:
    context = site_context(plan.site, plan.path, plan.view.title, plan.view.description)
    context["page"] = plan.view
    return context


# Text whose whitespace shows (or may: a script's strings) | a line break with the
# indentation and blank lines after it.
_INDENTED = re.compile(r"(<(pre|textarea|script|code)\b.*?</\2\s*>)|\n[ \t\r\n]+",
                       re.DOTALL | re.IGNORECASE)


def _kept_or_newline(match: re.Match[str]) -> str:
    return match.group(1) or "\n"


def drop_indentation(html: str) -> str:
    """``html`` without the templates' indentation and blank lines (about 400 bytes of an
    article page): a line break and the spaces after it show as one space either way."""
    return _INDENTED.sub(_kept_or_newline, html)


def render_page(env: jinja2.Environment, plan: PagePlan) -> OutputFile:
    context = base_context(plan)
    search = getattr(plan.view, "search", None)
    if search is not None:
        context["search"] = search
    text = env.get_template(plan.template).render(context)
    if plan.template.endswith(".html"):
        text = drop_indentation(text)
    return OutputFile(urls.file_of(plan.path), text.encode("utf-8"))


def static_files(config: Config) -> Iterator[OutputFile]:
    """``theme/static/**`` as ``static/**``; the librarian's files override built-in ones.
    Also the search pages' traditional -> simplified table, generated from baoku's data."""
    found: dict[str, Path] = {}
    for root in (config.builtin_theme_dir / "static", config.theme_dir / "static"):
        if root.is_dir():
            for path in root.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    found[path.relative_to(root).as_posix()] = path
    for rel in sorted(found):
        yield OutputFile(urls.static_file(rel), found[rel].read_bytes())
    if FOLD_SCRIPT not in found:
        yield OutputFile(urls.static_file(FOLD_SCRIPT), fold_script().encode("utf-8"))


def render_pages(config: Config, plans: Iterable[PagePlan],
                 env: jinja2.Environment | None = None) -> Iterator[OutputFile]:
    """``render_page`` for every plan: same order, same bytes. Many pages and more than one
    worker: rendered by forked processes, each with its own Jinja environment, one batch
    of plans at a time (so only a batch of view models is ever held at once)."""
    env = env or make_environment(config)
    for batch in parallel.batches(plans, parallel.BATCH_PAGES):
        yield from _render_batch(config, batch, env)


def _render_batch(config: Config, plans: list[PagePlan], env: jinja2.Environment
                  ) -> Iterator[OutputFile]:
    workers = parallel.pool_workers(config.workers, len(plans))
    if workers < 2:
        for plan in plans:
            yield render_page(env, plan)
        return
    worker_env = functools.cache(lambda: make_environment(config))  # filled in each worker

    def render_one(index: int) -> tuple[str, bytes]:
        page = render_page(worker_env(), plans[index])
        return page.path, page.content

    chunks = parallel.render_in_pool(parallel.render_range_of(render_one), len(plans), workers)
    for chunk in chunks:
        if isinstance(chunk, int):  # render the failing page here: its own error, raised
            render_page(env, plans[chunk])
            raise RuntimeError(f"页面 {plans[chunk].path} 在子进程中生成失败")
        for path, content in chunk:
            yield OutputFile(path, content)


def render_report(archive: Archive, config: Config, env: jinja2.Environment,
                  search_warnings: tuple[str, ...]) -> OutputFile:
    """The build report with the search stage's warnings, which come after the render."""
    site = site_info(archive, config)
    path, template, view = next(plan_report(archive, search_warnings))
    return render_page(env, PagePlan(path, template, view, site))


class PageReuse(Protocol):
    """Pages an earlier build rendered: ``render_pages`` yields, for every plan, the page
    an earlier build made when it is still what ``render_page`` would make, or renders it."""

    def render_pages(self, plans: Iterable[PagePlan], config: Config, env: jinja2.Environment
               ) -> Iterator[OutputFile]: ...


def render_site(archive: Archive, config: Config, env: jinja2.Environment | None = None,
                reuse: PageReuse | None = None) -> Iterator[OutputFile]:
    """Every file of the site but the data and the search index: static files, the
    planned pages (rendered, or the ones ``reuse`` still has), feeds, sitemap, 404."""
    yield from static_files(config)
    env = env or make_environment(config)
    site = site_info(archive, config)
    plans = plan_pages(archive, config)
    yield from (render_pages(config, plans, env) if reuse is None
                else reuse.render_pages(plans, config, env))
    yield from extra_files(archive, config, env,
                           lambda here, title, description:
                           site_context(site, here, title, description))
