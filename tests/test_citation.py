"""Citation formats: GB/T 7714-2015 text, BibTeX entry, schema.org JSON-LD."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from baoku.citation import (
    bibtex,
    bibtex_escape,
    citation_context,
    edition_number,
    gbt7714,
    gbt7714_online,
    json_ld,
    json_ld_script,
)
from baoku.config import default_config
from baoku.model import Article, Issue, IssueDate, Place, Source, SourceMeta


def make_issue(article: Article, *, newspaper: str | None = "河洛晚报",
               date: IssueDate | None = None, edition: str | None = "第5版") -> Issue:
    meta = SourceMeta(newspaper=newspaper,
                      date=date or IssueDate("2021-04-09", "day", "front-matter"),
                      edition=edition, title="城区新闻")
    source = Source("content/x.txt", "0" * 64, "utf-8", "txt", "", meta)
    return Issue(id="x", source=source, articles=(article,))


ARTICLE = Article(number=2, headline="老街换新颜 居民笑开颜", reporters=("王小梅",),
                  correspondents=("赵刚",), topics=("城市建设",),
                  places=(Place("东城区", "district"), Place("和平街道", "town", "东城区")))


def test_gbt7714_full_record() -> None:
    assert gbt7714(make_issue(ARTICLE), ARTICLE) == (
        "王小梅, 赵刚. 老街换新颜 居民笑开颜[N]. 河洛晚报, 2021-04-09(5).")


def test_gbt7714_more_than_three_authors_adds_deng() -> None:
    art = replace(ARTICLE, reporters=("甲一", "乙二", "丙三"), correspondents=("丁四",))
    assert gbt7714(make_issue(art), art).startswith("甲一, 乙二, 丙三, 等. 老街")


def test_gbt7714_without_author_newspaper_or_edition() -> None:
    art = replace(ARTICLE, reporters=(), correspondents=())
    issue = make_issue(art, newspaper=None, edition=None,
                       date=IssueDate("2021-04", "month", "filename"))
    assert gbt7714(issue, art) == "老街换新颜 居民笑开颜[N]. [报纸名不详], 2021-04."


def test_gbt7714_inferred_and_unknown_dates() -> None:
    inferred = make_issue(ARTICLE, date=IssueDate("2021-04", "month", "inferred"))
    assert gbt7714(inferred, ARTICLE).endswith("河洛晚报, [2021-04](5).")
    unknown = make_issue(ARTICLE, date=IssueDate())
    assert gbt7714(unknown, ARTICLE).endswith("河洛晚报, [出版日期不详](5).")


def test_gbt7714_subtitle_is_other_title_information() -> None:
    art = replace(ARTICLE, subtitle="——和平街道老街改造记")
    assert "老街换新颜 居民笑开颜: 和平街道老街改造记[N]." in gbt7714(make_issue(art), art)


@pytest.mark.parametrize(("printed", "expected"), [
    ("第3版", "3"), ("A3", "A3"), ("第A12版", "A12"), ("12", "12"), ("要闻", "要闻"),
    ("第三版", "3"), ("第十版", "10"), ("第十二版", "12"), ("第二十版", "20"), ("第二十四版", "24"),
    ("第十十版", "第十十版"),
    (None, None), ("  ", None),
])
def test_edition_number(printed: str | None, expected: str | None) -> None:
    assert edition_number(printed) == expected


def braces_balance(text: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\.|[{}]", text):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def parse_bibtex(entry: str) -> tuple[str, str, dict[str, str]]:
    head = re.match(r"@(\w+)\{([^,\s]+),\n", entry)
    assert head, entry
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", entry, flags=re.M))
    return head.group(1), head.group(2), fields


def test_bibtex_fields_and_balance() -> None:
    entry = bibtex(make_issue(ARTICLE), ARTICLE, "https://example.org/baoku/")
    kind, key, fields = parse_bibtex(entry)
    assert kind == "article" and key == "baoku:x-02"
    assert fields["author"] == "{王小梅} and {赵刚}"
    assert fields["title"] == "{老街换新颜 居民笑开颜}"
    assert fields["journal"] == "河洛晚报"
    assert (fields["year"], fields["month"], fields["date"]) == ("2021", "4", "2021-04-09")
    assert fields["pages"] == "5"
    assert fields["url"] == "https://example.org/baoku/issues/x/02/"
    assert braces_balance(entry)


def test_bibtex_escapes_specials_and_omits_url_without_base() -> None:
    art = replace(ARTICLE, headline="增长50% {新} 纪录 #1 & A_B")
    entry = bibtex(make_issue(art), art)
    assert braces_balance(entry)
    assert r"50\% \{新\} 纪录 \#1 \& A\_B" in entry
    assert "url =" not in entry
    assert bibtex_escape("a\\b") == r"a\textbackslash{}b"


def test_json_ld_news_article() -> None:
    config = replace(default_config(Path("/tmp/site")), base_url="https://example.org/a/")
    art = replace(ARTICLE, kicker="城市更新进行时")
    data = json_ld(make_issue(art), art, config)
    assert data["@type"] == "NewsArticle" and data["inLanguage"] == "zh-CN"
    assert data["headline"] == "老街换新颜 居民笑开颜"
    assert data["alternativeHeadline"] == "城市更新进行时"
    assert [a["name"] for a in data["author"]] == ["王小梅", "赵刚"]
    assert data["datePublished"] == "2021-04-09"
    assert data["publisher"]["name"] == "河洛晚报"
    assert data["contentLocation"] == [{"@type": "Place", "name": "东城区"}]
    assert data["url"] == "https://example.org/a/issues/x/02/"


def test_json_ld_without_base_url_or_date_has_no_url() -> None:
    config = default_config(Path("/tmp/site"))
    issue = make_issue(ARTICLE, date=IssueDate(), newspaper=None)
    data = json_ld(issue, ARTICLE, config)
    assert "url" not in data and "datePublished" not in data
    assert data["publisher"] == {"@type": "Organization", "name": config.site_title}
    # Without the site's address a breadcrumb would repeat the visible one, without links.
    assert "mainEntityOfPage" not in data


def test_json_ld_names_the_issue_and_the_breadcrumb_trail() -> None:
    config = replace(default_config(Path("/tmp/site")), base_url="https://example.org/a/")
    month_only = make_issue(ARTICLE, date=IssueDate("2021-04", "month", "inferred"))
    data = json_ld(month_only, ARTICLE, config)
    assert data["datePublished"] == "2021-04"  # no invented day
    part = data["isPartOf"]
    assert part["@type"] == "PublicationIssue" and part["datePublished"] == "2021-04"
    assert part["url"] == "https://example.org/a/issues/x/"
    assert part["isPartOf"] == {"@type": "Periodical", "name": "河洛晚报"}
    page = data["mainEntityOfPage"]
    assert page["@id"] == data["url"] == "https://example.org/a/issues/x/02/"
    crumbs = page["breadcrumb"]["itemListElement"]
    # The last crumb is the page itself: its URL is the page's @id, not repeated.
    assert [c.get("item") for c in crumbs] == ["https://example.org/a/", part["url"], None]
    assert crumbs[-1]["name"] == ARTICLE.headline
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert "about" not in data  # the topics are in keywords already


def test_json_ld_script_cannot_close_the_script_tag() -> None:
    art = replace(ARTICLE, headline="</script><b>")
    config = default_config(Path("/tmp/site"))
    text = json_ld_script(json_ld(make_issue(art), art, config))
    assert "</" not in text and "<b>" not in text
    assert json.loads(text)["headline"] == "</script><b>"
    assert set(citation_context(make_issue(art), art, config)) == {
        "gbt7714", "gbt7714_online", "bibtex", "bibtex_pages", "bibtex_note", "json_ld"}


def test_article_without_headline_still_has_a_title() -> None:
    art = replace(ARTICLE, headline="  ")
    assert gbt7714(make_issue(art), art) == "王小梅, 赵刚. [无题名][N]. 河洛晚报, 2021-04-09(5)."
    config = default_config(Path("/tmp/site"))
    assert json_ld(make_issue(art), art, config)["headline"] == "[无题名]"


# --- end to end on the seed build --------------------------------------------------------

SEED_HEADLINE = "示范区“四抓四联”打造城市基层治理“新引擎”"


def seed_issue_and_article(result) -> tuple[Issue, Article]:  # type: ignore[no-untyped-def]
    for issue in result.archive.issues:
        for art in issue.articles:
            if art.headline == SEED_HEADLINE:
                return issue, art
    raise AssertionError(f"the seed article {SEED_HEADLINE!r} was not segmented")


@pytest.mark.slow
def test_seed_article_citation_follows_gbt7714(seed_site) -> None:  # type: ignore[no-untyped-def]
    out, result = seed_site
    issue, art = seed_issue_and_article(result)
    # Paper and date come from the read stage; the standard's placeholders when unknown.
    paper = issue.newspaper or "[报纸名不详]"
    date = issue.date.value or "[出版日期不详]"
    if issue.date.value and issue.date.source == "inferred":
        date = f"[{date}]"
    edition = edition_number(issue.source.meta.edition)
    tail = f"({edition})." if edition else "."
    expected = f"张亚丹. 示范区“四抓四联”打造城市基层治理“新引擎”[N]. {paper}, {date}{tail}"
    assert gbt7714(issue, art) == expected
    assert issue.date.value and issue.date.value.startswith("2023-08")
    page = (out / "issues" / issue.id / f"{art.number:02d}" / "index.html").read_text("utf-8")
    # The article page cites the online archive: [N/OL], then the reader's date of access
    # and the address (filled in by the page).
    online = gbt7714_online(issue, art)
    assert online == expected.removesuffix(".").replace("[N]", "[N/OL]")
    assert f'{online}<span class="cite-accessed"></span>.' in page
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["@type"] == "NewsArticle" and data["headline"] == SEED_HEADLINE
    assert data["author"] == [{"@type": "Person", "name": "张亚丹"}]


@pytest.mark.slow
def test_seed_article_bibtex_parses(seed_site) -> None:  # type: ignore[no-untyped-def]
    _, result = seed_site
    issue, art = seed_issue_and_article(result)
    kind, key, fields = parse_bibtex(bibtex(issue, art))
    assert kind == "article" and key.startswith("baoku:")
    assert fields["author"] == "{张亚丹}"
    assert fields["title"] == "{示范区“四抓四联”打造城市基层治理“新引擎”}"
    assert {"journal", "note"} <= set(fields)
