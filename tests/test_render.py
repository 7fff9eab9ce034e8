"""Render stage on small hand-built archives: page plan, view models, templates."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from baoku import urls
from baoku.config import Config, load_config
from baoku.model import (
    Archive,
    Article,
    Failure,
    Issue,
    IssueDate,
    Place,
    SitePage,
    Source,
    SourceMeta,
)
from baoku.present import cjk_count, date_label, lead, minutes_for, sort_date
from baoku.render import PagePlan, make_environment, plan_pages, render_page, render_site
from baoku.render.places import build_place_tree
from baoku.views import (
    ArticlePage,
    HomePage,
    IssuePage,
    Link,
    PlacePage,
    PlaceTrail,
    TagIndexPage,
)

GENERATED = "2026-01-01T08:00:00+08:00"


def reading_minutes(article: Article) -> int:
    """What an article page shows as 约 N 分钟 for ``article``'s text."""
    return minutes_for(cjk_count(article.text))


def source(name: str, *, paper: str | None = "晨报", date: str | None = "2024-03-05",
           precision: str | None = "day", origin: str | None = "filename") -> Source:
    meta = SourceMeta(newspaper=paper, date=IssueDate(date, precision, origin),  # type: ignore[arg-type]
                      edition="第2版", title="要闻")
    return Source(f"content/{name}.txt", "0" * 64, "utf-8", "txt", "正文", meta)


def article(number: int, headline: str, **fields: object) -> Article:
    defaults: dict[str, object] = {"paragraphs": ("第一段文字。", "第二段文字。")}
    defaults.update(fields)
    return Article(number=number, headline=headline, **defaults)  # type: ignore[arg-type]


def issue(issue_id: str, *articles: Article, **source_fields: object) -> Issue:
    return Issue(id=issue_id, source=source(issue_id, **source_fields),  # type: ignore[arg-type]
                 articles=articles)


EAST = Place("东区", "district")
RIVER = Place("河滨街道", "town", parent="东区")
WILLOW = Place("柳岸社区", "village", parent="河滨街道")
HILL = Place("山前镇", "town", parent="东区")


def sample_archive() -> Archive:
    new = issue(
        "new",
        article(1, "新闻一", kicker="引题甲", subtitle="——副题甲", byline="本报讯（记者王一）",
                reporters=("王一",), places=(WILLOW,), topics=("教育",),
                paragraphs=("小标题", "正文" * 500), section_heads=("小标题",),
                captions=("图为活动现场。 李二 摄",), photographers=("李二",),
                related=("old-01", "missing-99")),
        article(2, "新闻二", places=(HILL,), topics=("教育", "交通"), reporters=("王一",)),
        article(3, "新闻三", places=(RIVER, WILLOW)),
    )
    old = issue("old", article(1, "旧闻", places=(EAST,), topics=("交通",)),
                date="2023-11", precision="month", origin="inferred")
    lost = issue("lost", article(1, "无日期文章"), date=None, precision=None, origin=None)
    return Archive(issues=(new, old, lost), generated_at=GENERATED,
                   failures=(Failure("content/bad.txt", "read", "无法识别编码"),),
                   pages=(SitePage("about", "关于本馆", "<p>说明</p>", order=1),))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(tmp_path, {"output_dir": tmp_path / "out", "search": False,
                                  "fixed_time": GENERATED})


def plans_by_path(archive: Archive, config: Config) -> dict[str, PagePlan]:
    return {p.path: p for p in plan_pages(archive, config)}


def rendered(archive: Archive, config: Config) -> dict[str, str]:
    """Every text file the site renders (the theme's images left out)."""
    return {f.path: f.content.decode("utf-8") for f in render_site(archive, config)
            if not f.path.endswith(".png")}


@pytest.mark.parametrize(("date", "expected"), [
    (IssueDate("2023-08-18", "day", "filename"), "2023年8月18日"),
    (IssueDate("2023-08", "month", "inferred"), "2023年8月（推断）"),
    (IssueDate("2021", "year", "front-matter"), "2021年"),
    (IssueDate(), "日期不详"),
    (IssueDate("民国三十年", "year", "front-matter"), "民国三十年"),
])
def test_date_label(date: IssueDate, expected: str) -> None:
    assert date_label(date) == expected


def test_sort_date_pads_partial_dates() -> None:
    assert sort_date(IssueDate("2023-08", "month")) == "2023-08-01"
    assert sort_date(IssueDate()) == ""


def test_reading_time_counts_cjk_characters() -> None:
    assert reading_minutes(article(1, "短", paragraphs=("字" * 10,))) == 1
    assert reading_minutes(article(1, "长", paragraphs=("字" * 801, "abc " * 500))) == 3


def test_lead_skips_section_heads_and_shortens() -> None:
    art = article(1, "题", paragraphs=("小标题", "甲" * 200), section_heads=("小标题",))
    text = lead(art)
    assert not text.startswith("小标题")
    assert text.endswith("……") and len(text) < 100


def test_every_plan_has_a_hashable_view_and_unique_path(config: Config) -> None:
    plans = list(plan_pages(sample_archive(), config))
    paths = [p.path for p in plans]
    assert len(paths) == len(set(paths))
    for plan in plans:
        hash(plan)  # frozen, hashable: the incremental build keys on it
    assert plans == list(plan_pages(sample_archive(), config))


def test_home_groups_by_year_and_month_with_undated_last(config: Config) -> None:
    home = plans_by_path(sample_archive(), config)[""].view
    assert isinstance(home, HomePage)
    assert [i.id for i in home.dated] == ["new", "old"]
    assert [i.id for i in home.undated] == ["lost"]
    assert [y.year for y in home.years] == ["2024", "2023"]
    assert home.years[1].months[0].label == "11月"
    inferred = home.years[1].months[0].issues[0]
    # The label reads like any date; the 推断 badge carries why it was inferred.
    assert inferred.date_label == "2023年11月" and inferred.inferred.startswith("日期由正文推断")
    assert home.papers == ()  # a single paper needs no per-paper grouping


def test_home_groups_by_paper_when_several(config: Config) -> None:
    archive = sample_archive()
    other = issue("other", article(1, "他报文章"), paper="晚报")
    archive = replace(archive, issues=(*archive.issues, other))
    home = plans_by_path(archive, config)[""].view
    assert [p.name for p in home.papers] == ["晚报", "晨报"]
    assert [i.id for i in home.papers[1].issues] == ["new", "old", "lost"]


def test_issue_page_lists_articles_in_order_with_neighbours(config: Config) -> None:
    plans = plans_by_path(sample_archive(), config)
    view = plans[urls.issue_page("old")].view
    assert isinstance(view, IssuePage)
    assert [a.headline for a in view.articles] == ["旧闻"]
    assert view.newer is not None and view.newer.id == "new"
    assert view.older is not None and view.older.id == "lost"
    assert view.raw_text_path == ""


def test_article_page_view(config: Config) -> None:
    plans = plans_by_path(sample_archive(), config)
    view = plans[urls.article_page("new", 1)].view
    assert isinstance(view, ArticlePage)
    assert view.previous is None and view.following is not None
    assert view.following.headline == "新闻二"
    assert [r.id for r in view.related] == ["old-01"]  # unknown ids are skipped
    assert [b.kind for b in view.blocks] == ["h2", "p"]
    assert view.reading_minutes == 3
    assert [p.label for p in view.people] == ["王一", "李二"]
    trail = view.places[0]
    assert trail.name == "柳岸社区"
    assert [a.label for a in trail.ancestors] == ["东区", "河滨街道"]
    assert [c.label for c in view.crumbs][:2] == ["首页", "晨报"]
    assert view.crumbs[-1].path is None
    assert view.pagefind.date == "2024-03-05" and view.pagefind.year == "2024"


def test_place_pages_count_articles_up_the_hierarchy(config: Config) -> None:
    plans = plans_by_path(sample_archive(), config)
    index = plans[urls.district_index()].view
    assert isinstance(index, TagIndexPage)
    assert [(t.name, t.count) for t in index.tags] == [("东区", 4)]
    east = plans[urls.place_page("东区")].view
    assert isinstance(east, PlacePage)
    assert [(c.name, c.count) for c in east.children] == [("河滨街道", 2), ("山前镇", 1)]
    # newest first: the three articles of "new", then the old one
    assert [a.id for a in east.articles] == ["new-01", "new-02", "new-03", "old-01"]
    river = plans[urls.place_page("河滨街道")].view
    assert [c.label for c in river.crumbs] == ["首页", "地区", "东区", "河滨街道"]
    assert [(c.name, c.count) for c in river.children] == [("柳岸社区", 2)]


def test_parent_named_only_as_parent_gets_a_page(config: Config) -> None:
    orphan = Place("某村", "village", parent="某镇")
    archive = Archive(issues=(issue("x", article(1, "甲", places=(orphan,))),),
                      generated_at=GENERATED)
    plans = plans_by_path(archive, config)
    town = plans[urls.place_page("某镇")].view
    assert town.level_label == "街道乡镇"
    assert [c.name for c in town.children] == ["某村"]
    assert [t.name for t in plans[urls.district_index()].view.others] == ["某镇"]


def test_place_parent_cycle_does_not_hang(config: Config) -> None:
    a, b = Place("甲地", "town", parent="乙地"), Place("乙地", "town", parent="甲地")
    archive = Archive(issues=(issue("x", article(1, "甲", places=(a, b))),),
                      generated_at=GENERATED)
    plans = plans_by_path(archive, config)
    assert plans[urls.place_page("甲地")].view.articles[0].id == "x-01"


def test_topic_and_reporter_pages(config: Config) -> None:
    plans = plans_by_path(sample_archive(), config)
    topics = plans[urls.topic_index()].view
    assert [(t.name, t.count) for t in topics.tags] == [("交通", 2), ("教育", 2)]
    assert [a.id for a in plans[urls.topic_page("交通")].view.articles] == ["new-02", "old-01"]
    reporters = plans[urls.reporter_index()].view
    assert [(t.name, t.count, t.note) for t in reporters.tags] == [
        ("王一", 2, "记者"), ("李二", 1, "摄影")]
    assert plans[urls.reporter_page("李二")].view.roles == ("摄影",)


def test_rendered_html_is_relative_and_chinese(config: Config) -> None:
    files = rendered(sample_archive(), config)
    pages = {p: t for p, t in files.items() if p.endswith(".html")}
    assert "index.html" in pages and "about/index.html" in pages and "report/index.html" in pages
    for path, text in pages.items():
        assert re.search(r'(href|src)="/', text) is None, path
        assert '<html lang="zh-CN">' in text, path
        assert "<title>" in text and 'name="description"' in text, path
    article_html = pages["issues/new/01/index.html"]
    assert '<h2>小标题</h2>' in article_html
    assert "<figure" in article_html
    assert "<figcaption>图为活动现场。 李二 摄</figcaption>" in article_html
    assert "约 3 分钟" in article_html
    assert 'href="../02/index.html"' in article_html
    assert 'href="../../../places/东区/index.html"' in article_html
    assert article_html.count("data-pagefind-body") == 1
    assert "data-pagefind-body" not in pages["issues/new/index.html"]
    assert 'data-pagefind-filter="地区"' not in pages["issues/new/index.html"]
    assert 'application/ld+json' in article_html
    assert "关于本馆" in pages["index.html"]  # site pages join the navigation


def test_report_page_lists_failures_and_origins(config: Config) -> None:
    archive = sample_archive()
    marked = replace(archive.issues[0], origin="markdown", warnings=("第3行：疑似乱码",),
                     junk=("广告：热线电话",))
    files = rendered(replace(archive, issues=(marked, *archive.issues[1:])), config)
    report = files["report/index.html"]
    for text in ("content/bad.txt", "无法识别编码", "人工校订", "自动切分", "第3行：疑似乱码",
                 "广告：热线电话"):
        assert text in report


def test_article_text_is_built_in_the_browser_not_published(config: Config) -> None:
    """No second copy of every article as a file: the page's download button carries
    what the text's footer names (the browser test downloads it)."""
    files = rendered(sample_archive(), config)
    assert not [path for path in files if path.endswith(".txt") and "/01/" in path]
    html = files["issues/new/01/index.html"]
    button = re.search(r'<button type="button" class="text-download" hidden ([^>]*)>', html)
    assert button is not None
    attrs = dict(re.findall(r'data-([a-z]+)="([^"]*)"', button.group(1)))
    assert "file" not in attrs  # named after the article's id, which the section carries
    assert '<section class="cite" data-id="new-01">' in html
    assert attrs["source"].endswith("第 1 篇")
    assert "address" not in attrs  # no base URL: the browser takes the page's own
    # The archive's name is the page's site title (site.js reads it from there).
    assert f'class="site-title" href="../../../index.html">{config.site_title}<' in html


def test_article_page_leaves_to_site_js_what_it_can_make_from_the_page(config: Config) -> None:
    """Keywords are plain words (site.js links them to the search page), one pager (site.js
    copies it under the text), and with a base URL the canonical address is not repeated
    in the print header or the download button (site.js reads the canonical link)."""
    addressed = replace(config, base_url="https://example.org/a/")
    worded = issue("new", article(1, "新闻一", keywords=("春耕", "a&b"), reporters=("王一",)),
                   article(2, "新闻二"))
    archive = Archive(issues=(worded,), generated_at=GENERATED)
    html = rendered(archive, addressed)["issues/new/01/index.html"]
    assert html.count('<nav class="pager') == 1 and "pager-top" in html
    keywords = re.search(r'<section class="tags keywords">.*?</section>', html, re.S)
    assert keywords is not None and "<a " not in keywords.group(0)
    assert 'data-search="../../../search/index.html"><li>春耕</li><li>a&amp;b</li>' \
        in keywords.group(0)
    assert "article:tag" not in html
    canonical = "https://example.org/a/issues/new/01/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<span class="print-url"></span>' in html and "data-address" not in html
    assert f"{canonical}.</span>" in html  # the visible citation keeps it without JS


def test_text_is_escaped_in_html(config: Config) -> None:
    nasty = issue("n", article(1, "<script>alert(1)</script>", paragraphs=("a < b & c",)))
    files = rendered(Archive(issues=(nasty,), generated_at=GENERATED), config)
    html = files["issues/n/01/index.html"]
    assert "<script>alert(1)</script>" not in html
    assert "a &lt; b &amp; c" in html


def test_raw_text_is_published_when_present(tmp_path: Path, config: Config) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/x.txt").write_text("原始版面文字", encoding="utf-8")
    marked = replace(issue("x", article(1, "甲")), origin="markdown",
                     raw_text_path="content/x.txt")
    files = rendered(Archive(issues=(marked,), generated_at=GENERATED), config)
    assert files["issues/x/source.txt"].strip() == "原始版面文字"
    assert 'href="source.txt">原始文本</a>' in files["issues/x/index.html"]


def test_librarian_theme_overrides_file_by_file(tmp_path: Path, config: Config) -> None:
    templates = config.theme_dir / "templates"
    templates.mkdir(parents=True)
    (templates / "topics.html").write_text(
        '{% extends "builtin/topics.html" %}{% block content %}馆员主题页{{ super() }}'
        "{% endblock %}", encoding="utf-8")
    (config.theme_dir / "static").mkdir()
    (config.theme_dir / "static/site.css").write_text("body{}", encoding="utf-8")
    files = rendered(sample_archive(), config)
    assert "馆员主题页" in files["topics/index.html"]
    assert "交通" in files["topics/index.html"]
    assert files["static/site.css"] == "body{}"
    assert "site.js" in {Path(p).name for p in files}


def test_output_is_deterministic(config: Config) -> None:
    first = list(render_site(sample_archive(), config))
    second = list(render_site(sample_archive(), config))
    assert [f.path for f in first] == [f.path for f in second]
    assert first == second


def test_render_page_alone_matches_full_render(config: Config) -> None:
    archive = sample_archive()
    env = make_environment(config)
    full = {f.path: f.content for f in render_site(archive, config)}
    for plan in plan_pages(archive, config):
        out = render_page(env, plan)
        assert full[out.path] == out.content


def test_plan_is_linear_in_articles(config: Config) -> None:
    articles = tuple(article(n, f"文章{n}", places=(WILLOW,), topics=("教育",),
                             reporters=("王一",), related=(f"i0-{(n % 50) + 1:02d}",))
                     for n in range(1, 51))
    issues = tuple(issue(f"i{k}", *articles, date=f"2020-01-{k + 1:02d}") for k in range(20))
    plans = list(plan_pages(Archive(issues=issues, generated_at=GENERATED), config))
    # 1000 article pages, 20 issues, then home, districts, two places, topic index and
    # page, reporter index and page, report, search; each of the four tag lists holds
    # all 1000 articles, on two pages of 500; one year page (2020)
    assert len(plans) == 1000 + 20 + 6 + 4 * 2 + 1


def test_districts_are_grouped_by_city_and_cities_get_no_page(config: Config) -> None:
    west = Place("西区", "district", parent="某市")
    town = Place("桥头街道", "town", parent="西区")
    stray = Place("学院社区", "village", parent="某市")  # a village filed under the city
    lone = Place("北区", "district")
    archive = Archive(issues=(issue("x", article(1, "甲", places=(west, town, stray, lone))),),
                      generated_at=GENERATED)
    plans = plans_by_path(archive, config)
    assert urls.place_page("某市") not in plans
    index = plans[urls.district_index()].view
    assert [(g.label, [t.name for t in g.tags]) for g in index.groups] == [("某市", ["西区"])]
    # One catch-all: a district of no known city and a place of no known district.
    assert sorted(t.name for t in index.others) == ["北区", "学院社区"]
    crumbs = plans[urls.place_page("桥头街道")].view.crumbs
    assert [(c.label, c.fragment) for c in crumbs] == [
        ("首页", ""), ("地区", ""), ("某市", "r-某市"), ("西区", ""), ("桥头街道", "")]
    html = rendered(archive, config)["districts/index.html"]
    assert 'id="r-某市"' in html
    assert html.count("<h2>其他") == 1


def test_undated_paperless_issue_has_no_duplicate_crumb(config: Config) -> None:
    bare = issue("b", article(1, "甲"), paper=None, date="2023-08", precision="month",
                 origin="inferred")
    bare = replace(bare, source=replace(bare.source, meta=replace(
        bare.source.meta, edition=None, title=None)))
    plans = plans_by_path(Archive(issues=(bare,), generated_at=GENERATED), config)
    crumbs = plans[urls.article_page("b", 1)].view.crumbs
    assert [c.label for c in crumbs] == ["首页", "2023年8月", "甲"]


def test_a_mention_with_a_parent_wins(config: Config) -> None:
    bare_town = Place("河滨街道", "town")
    archive = Archive(issues=(issue("x", article(1, "甲", places=(bare_town,)),
                                    article(2, "乙", places=(RIVER,))),),
                      generated_at=GENERATED)
    plans = plans_by_path(archive, config)
    assert [t.name for t in plans[urls.district_index()].view.tags] == ["东区"]
    assert plans[urls.place_page("东区")].view.children[0].count == 2


def test_a_town_shared_by_two_districts_keeps_its_own_district(config: Config) -> None:
    west = Place("西区", "district")
    east_town, west_town = RIVER, Place("河滨街道", "town", parent="西区")
    issues = (issue("new", article(1, "甲", places=(west_town,))),
              issue("old", article(1, "乙", places=(east_town,)),
                    article(2, "丙", places=(east_town,)), article(3, "丁", places=(west,))))
    plans = plans_by_path(Archive(issues=issues, generated_at=GENERATED), config)
    trail = plans[urls.article_page("new", 1)].view.places[0]
    assert [a.label for a in trail.ancestors] == ["西区"]
    assert [a.label for a in plans[urls.article_page("old", 1)].view.places[0].ancestors] \
        == ["东区"]
    # The town's own page sits where most mentions put it, whatever the archive's order.
    crumbs = [c.label for c in plans[urls.place_page("河滨街道")].view.crumbs]
    assert crumbs == ["首页", "地区", "东区", "河滨街道"]
    reordered = Archive(issues=issues[::-1], generated_at=GENERATED)
    assert build_place_tree(reordered) == build_place_tree(
        Archive(issues=issues, generated_at=GENERATED))
    # Each article counts under its own district.
    west_page = plans[urls.place_page("西区")].view
    assert [a.id for a in west_page.articles] == ["new-01", "old-03"]


PATHS = ["", "a/", "a/b/", "issues/x/01/", "issues/x/", "issues/y/01/article.txt",
         "static/site.css", "feed.xml", "a/b/c/", "a/c/", "b/a/", "a/./b/", "a/../b/", "a//b/"]


@pytest.mark.parametrize("start", PATHS)
def test_relative_links_match_posix_relpath(start: str) -> None:
    import posixpath

    for target in PATHS:
        base = posixpath.dirname(urls.file_of(start)) or "."
        assert urls.relative(start, target) == posixpath.relpath(urls.file_of(target), base)


def test_untitled_article_gets_a_placeholder_headline(config: Config) -> None:
    photo = issue("p", article(1, "", kind="photo", captions=("图为丰收景象。",)))
    files = rendered(Archive(issues=(photo,), generated_at=GENERATED), config)
    assert "<h1 class=\"headline\">[无题名]</h1>" in files["issues/p/01/index.html"]
    assert "[无题名]" in files["issues/p/index.html"]
    assert "<title>[无题名] · " in files["issues/p/01/index.html"]


MY_TEMPLATES = ("home.html", "issue.html", "article.html", "raw.txt",
                "districts.html", "place.html", "topics.html", "topic.html", "reporters.html",
                "reporter.html", "report.html", "year.html")


def documented_fields() -> set[str]:
    import dataclasses
    import inspect

    from baoku import views

    names: set[str] = set()
    for _name, cls in inspect.getmembers(views, inspect.isclass):
        if dataclasses.is_dataclass(cls):
            names |= {f.name for f in dataclasses.fields(cls)}
            names |= {n for n, v in vars(cls).items() if isinstance(v, property)}
    return names


@pytest.mark.parametrize("name", MY_TEMPLATES)
def test_templates_read_only_documented_view_fields(name: str) -> None:
    text = (Path(__file__).parent.parent / "theme/templates" / name).read_text(encoding="utf-8")
    used = set(re.findall(r"\bpage\.([a-z_][a-z0-9_]*)", text))
    assert used, name
    assert used <= documented_fields(), used - documented_fields()


def test_every_page_template_is_exercised(tmp_path: Path, config: Config) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/new.txt").write_text("原文", encoding="utf-8")
    archive = sample_archive()
    marked = replace(archive.issues[0], raw_text_path="content/new.txt")
    archive = replace(archive, issues=(marked, *archive.issues[1:]))
    used = {p.template for p in plan_pages(archive, config)}
    assert set(MY_TEMPLATES) | {"page.html", "search.html"} == used


def test_home_month_calendar_links_issue_days(config: Config) -> None:
    first = issue("d1", article(1, "甲"), date="2024-03-05")
    second = issue("d2", article(1, "乙"), date="2024-03-05", paper="晚报")
    third = issue("d3", article(1, "丙"), date="2024-03-31")
    month_only = issue("m", article(1, "丁"), date="2024-02", precision="month")
    archive = Archive(issues=(third, first, second, month_only), generated_at=GENERATED)
    home = plans_by_path(archive, config)[""].view
    march, february = home.years[0].months
    assert february.weeks == ()  # no day-precise issue: no calendar
    days = {d.day: d for week in march.weeks for d in week if d is not None}
    assert len(days) == 31
    assert march.weeks[0][:4] == (None, None, None, None)  # 2024-03-01 was a Friday
    assert [i.id for i in days[5].issues] == ["d1", "d2"]
    assert [i.id for i in days[31].issues] == ["d3"] and days[6].issues == ()
    html = rendered(archive, config)["years/2024/index.html"]  # the calendar: the year page
    assert '<td class="has-issue"><a href="../../issues/d1/index.html"' in html
    assert "×2" in html


def test_site_page_cannot_take_over_a_build_folder(config: Config) -> None:
    archive = replace(sample_archive(), pages=(SitePage("issues", "期次说明", "<p>说明</p>"),))
    plans = plans_by_path(archive, config)
    assert plans["page-issues/"].view.title == "期次说明"
    assert isinstance(plans[urls.issue_page("new")].view, IssuePage)
    assert ("期次说明", "page-issues/") in [(n.label, n.path) for n in plans[""].site.nav]


def test_canonical_and_open_graph_with_a_base_url(config: Config) -> None:
    config = replace(config, base_url="https://example.org/repo/")
    files = rendered(sample_archive(), config)
    article_html = files["issues/new/01/index.html"]
    url = "https://example.org/repo/issues/new/01/"
    assert f'<link rel="canonical" href="{url}">' in article_html
    assert f'<meta property="og:url" content="{url}">' in article_html
    assert '<meta property="og:type" content="article">' in article_html
    assert "https://example.org/repo/places/%E4%B8%9C%E5%8C%BA/" in files["places/东区/index.html"]
    assert 'rel="canonical"' not in rendered(sample_archive(), replace(config, base_url=""))[
        "index.html"]


def test_long_tag_lists_are_split_into_pages(config: Config,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from baoku.render import tags

    monkeypatch.setattr(tags, "PAGE_SIZE", 2)
    articles = tuple(article(n, f"文章{n}", topics=("教育",)) for n in range(1, 6))
    archive = Archive(issues=(issue("x", *articles),), generated_at=GENERATED)
    plans = plans_by_path(archive, config)
    first, second, third = (plans[urls.paged(urls.topic_page("教育"), n)].view for n in (1, 2, 3))
    assert urls.paged(urls.topic_page("教育"), 2) == "topics/教育/2/"
    assert [a.number for a in first.articles] == [1, 2]
    assert [a.number for a in third.articles] == [5]
    assert first.total == second.total == 5
    assert [(p.label, p.path) for p in second.pages] == [
        ("1", "topics/教育/"), ("2", None), ("3", "topics/教育/3/")]
    assert second.title == "主题：教育（第 2 页）"
    html = rendered(archive, config)["topics/教育/2/index.html"]
    assert '<a href="../3/index.html">3</a>' in html and '<a href="../index.html">1</a>' in html


def test_page_links_stay_bounded_however_long_the_list() -> None:
    from baoku.render.tags import page_numbers

    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(1, 100) == [1, 2, 3, 4, 100]
    assert page_numbers(50, 100) == [1, 47, 48, 49, 50, 51, 52, 53, 100]
    assert max(len(page_numbers(n, 1000)) for n in range(1, 1001)) == 9


def test_tag_pages_list_one_line_an_article(config: Config) -> None:
    files = rendered(sample_archive(), config)
    html = files["topics/教育/index.html"]
    rows = re.findall(r"<li><a href=\"\.\./\.\./issues/[^\"]+\">[^<]+</a> <small>"
                      r"[^<]+</small></li>", html)
    assert len(rows) == 2, "headline and issue date, nothing more"
    assert 'class="byline"' not in html and 'class="kicker"' not in html


def test_short_tag_list_is_one_page(config: Config) -> None:
    view = plans_by_path(sample_archive(), config)[urls.topic_page("教育")].view
    assert view.pages == () and view.total == len(view.articles) == 2


def test_a_rebuild_on_another_day_changes_only_the_home_page_and_report(
        config: Config) -> None:
    """Only the home page states the build date, and only the report the time (the feed
    dates itself by its newest entry): a rebuild reuses every other page (hard links,
    unchanged files for a deploy, no rendering in a new process) instead of rewriting it."""
    morning = rendered(sample_archive(), config)
    evening = rendered(replace(sample_archive(), generated_at="2026-01-01T21:30:00+08:00"),
                       config)
    changed = sorted(path for path in morning if morning[path] != evening[path])
    assert changed == ["report/index.html"]  # it states the time
    next_day = rendered(replace(sample_archive(), generated_at="2026-01-02T08:00:00+08:00"),
                        config)
    changed = sorted(path for path in morning if morning[path] != next_day[path])
    assert changed == sorted(["report/index.html", urls.file_of(urls.home())])
    assert '<time datetime="2026-01-02">2026-01-02</time>' in next_day[urls.file_of(urls.home())]


def test_places_under_one_trail_share_a_line(config: Config) -> None:
    """Places of one level under the same district and town are listed on one line, the
    trail once; each keeps its own link."""
    shared = (Link("甲区", urls.place_page("甲区")), Link("乙镇", urls.place_page("乙镇")))
    villages = [PlaceTrail(n, urls.place_page(n), "社区村", shared) for n in ("一村", "二村")]
    other = PlaceTrail("丙街道", urls.place_page("丙街道"), "街道乡镇", shared[:1])
    plan = plans_by_path(sample_archive(), config)["issues/new/01/"]
    view = replace(plan.view, places=(villages[0], villages[1], other))
    html = render_page(make_environment(config), replace(plan, view=view)).content.decode()
    line = re.search(r"<li>[^\n]*一村[^\n]*</li>", html)
    assert line is not None and "二村" in line.group(0) and line.group(0).count(">甲区<") == 1
    assert "丙街道" not in line.group(0)
    assert html.count('href="../../../places/甲区/index.html"') == 2
