"""Render stage: the page plan and the Jinja2 environment (placeholder pages)."""

from __future__ import annotations

from collections.abc import Iterator

import jinja2

from . import urls
from .config import Config
from .model import Archive, OutputFile


def make_environment(config: Config) -> jinja2.Environment:
    loaders = [jinja2.FileSystemLoader(str(config.theme_dir / "templates")),
               jinja2.FileSystemLoader(str(config.builtin_theme_dir / "templates"))]
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                              undefined=jinja2.StrictUndefined)


def render_site(archive: Archive, config: Config) -> Iterator[OutputFile]:
    env = make_environment(config)
    page = env.get_template("placeholder.html")
    yield OutputFile(urls.file_of(urls.home()), page.render(
        title=config.site_title, items=[(urls.relative("", urls.issue_page(i.id)), i.id)
                                        for i in archive.issues]).encode())
    for issue in archive.issues:
        here = urls.issue_page(issue.id)
        items = [(urls.relative(here, urls.article_page(issue.id, a.number)), a.headline)
                 for a in issue.articles]
        yield OutputFile(urls.file_of(here),
                         page.render(title=issue.id, items=items).encode())
        for art in issue.articles:
            at = urls.article_page(issue.id, art.number)
            yield OutputFile(urls.file_of(at), page.render(
                title=art.headline, items=[(urls.relative(at, here), "返回本期")]).encode())
