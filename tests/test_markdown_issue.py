"""Markdown issues: parsing the explicit structure, sanitising body HTML, the export's
escaping, and a hand-corrected issue built end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT

from baoku.export import read_issue_records
from baoku.markdown_issue import (
    escape_paragraph,
    export_markdown,
    join_wrapped_lines,
    parse_markdown_issue,
)
from baoku.model import Article, Issue, IssueDate, Source, SourceMeta
from baoku.present import ORIGIN_LABELS


def parse_one(text: str) -> Article:
    seg = parse_markdown_issue(text)
    assert len(seg.articles) == 1, seg
    return seg.articles[0]


def issue_of(*articles: Article, junk: tuple[str, ...] = (),
             meta: SourceMeta | None = None) -> Issue:
    source = Source(rel_path="content/x.txt", sha256="", encoding="utf-8", format="txt",
                    text="", meta=meta or SourceMeta())
    return Issue(id="x", source=source, articles=articles, junk=junk)


# ---------------------------------------------------------------- the structure


def test_header_lines_fill_every_field() -> None:
    article = parse_one(
        "## 乡村振兴见实效\n"
        "栏目：我为群众办实事\n"
        "引题：产业兴旺\n"
        "副题：——记某村的三年\n"
        "作者：本报讯（记者王五 通讯员赵六）\n"
        "记者：王五、钱七\n"
        "通讯员：赵六\n"
        "摄影：孙八\n"
        "类型：feature\n"
        "\n"
        "第一段。\n"
    )
    assert article.headline == "乡村振兴见实效"
    assert article.column == "我为群众办实事"
    assert article.kicker == "产业兴旺"
    assert article.subtitle == "——记某村的三年"
    assert article.byline == "本报讯（记者王五 通讯员赵六）"
    assert article.reporters == ("王五", "钱七")
    assert article.correspondents == ("赵六",)
    assert article.photographers == ("孙八",)
    assert article.kind == "feature"
    assert article.paragraphs == ("第一段。",)


def test_articles_are_numbered_in_order_and_text_before_the_first_is_junk() -> None:
    seg = parse_markdown_issue("版面说明\n\n## 甲\n\n甲文。\n\n## 乙\n\n乙文。\n")
    assert [(a.number, a.headline, a.paragraphs) for a in seg.articles] == [
        (1, "甲", ("甲文。",)), (2, "乙", ("乙文。",))]
    assert seg.junk == ("版面说明",)


@pytest.mark.parametrize("label, value, expected", [
    ("类型", "photo", "photo"),
    ("类型", "评论", "commentary"),
    ("类型", "通讯", "feature"),
])
def test_kind_accepts_english_and_chinese_names(label: str, value: str, expected: str) -> None:
    assert parse_one(f"## 题\n{label}：{value}\n\n文。").kind == expected


def test_unknown_kind_warns_and_stays_news() -> None:
    seg = parse_markdown_issue("## 题\n类型：小说\n\n文。")
    assert seg.articles[0].kind == "news"
    assert any("小说" in w and "类型" in w and "第 2 行" in w for w in seg.warnings)


def test_header_labels_are_body_text_once_the_body_has_started() -> None:
    article = parse_one("## 题\n记者：甲\n\n正文第一段。\n\n记者：乙说了一句话。\n")
    assert article.reporters == ("甲",)
    assert article.paragraphs == ("正文第一段。", "记者：乙说了一句话。")


def test_section_heads_and_captions() -> None:
    article = parse_one(
        "## 题\n\n> 图为现场。 张三 摄\n\n开头。\n\n### 一、抓组织\n\n内容。\n\n"
        "![第二张图的说明](images/2.jpg)\n\n结尾。\n"
    )
    assert article.paragraphs == ("开头。", "一、抓组织", "内容。", "结尾。")
    assert article.section_heads == ("一、抓组织",)
    assert article.captions == ("图为现场。 张三 摄", "第二张图的说明")
    assert len(article.paragraphs_html) == len(article.paragraphs)
    assert article.paragraphs_html[1] == ""  # section heads are rendered by the template


def test_consecutive_quote_lines_are_one_caption_with_its_lines() -> None:
    article = parse_one("## 题\n\n> 图一：义警巡防\n> 图二：练习瑜伽 张三 摄\n\n"
                        "> 另一张图\n\n文。\n")
    assert article.captions == ("图一：义警巡防\n图二：练习瑜伽 张三 摄", "另一张图")
    assert article.paragraphs == ("文。",)


def test_hard_wrapped_chinese_lines_join_without_spaces() -> None:
    article = parse_one("## 题\n\n建立社区大党委联\n席会议制度，每月\nopen data 平台。\n")
    assert article.paragraphs == ("建立社区大党委联席会议制度，每月open data 平台。",)
    assert join_wrapped_lines(["word", "next"]) == "word next"


def test_markdown_emphasis_lists_and_tables_render_and_keep_plain_text() -> None:
    article = parse_one("## 题\n\n这是**重点**。\n\n- 第一项\n- 第二项\n\n"
                        "| 项目 | 数量 |\n| --- | --- |\n| 村 | 3 |\n")
    assert article.paragraphs[0] == "这是重点。"
    assert article.paragraphs_html[0] == "<p>这是<strong>重点</strong>。</p>"
    assert article.paragraphs[1] == "第一项\n第二项"
    assert "<ul>" in article.paragraphs_html[1]
    assert "<table>" in article.paragraphs_html[2]
    assert article.paragraphs[2] == "项目 数量\n村 3"


def test_raw_html_in_the_body_is_escaped_never_passed_through() -> None:
    article = parse_one("## 题\n\n<script>alert(1)</script>\n\n"
                        "文中<b onclick=\"x()\">加粗</b>。\n\n<div>\n块\n</div>\n")
    html = "".join(article.paragraphs_html)
    assert "<script" not in html and "<b " not in html and "<div" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert article.paragraphs[0] == "<script>alert(1)</script>"


def test_unsafe_link_schemes_are_dropped_and_folder_links_get_index_html() -> None:
    article = parse_one("## 题\n\n[点我](javascript:alert(1)) [说明](../help/) "
                        "[官网](https://example.org/a/)\n")
    html = article.paragraphs_html[0]
    assert "javascript" not in html
    assert 'href="../help/index.html"' in html
    assert 'href="https://example.org/a/"' in html


@pytest.mark.parametrize("target", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "&#106;avascript:alert(1)", "&amp;#106;avascript:alert(1)", "jav&#x09;ascript:alert(1)",
    "data:text/html,x", "vbscript:x",
])
def test_links_that_would_run_code_lose_their_target(target: str) -> None:
    html = parse_one(f"## 题\n\n[点我]({target}) ![图]({target}) 文\n").paragraphs_html[0]
    assert "href" not in html and "src" not in html
    assert "点我" in html


def test_front_matter_left_in_the_text_is_not_junk() -> None:
    seg = parse_markdown_issue("---\nnewspaper: 某报\n---\n\n## 题\n\n文。\n")
    assert seg.junk == ()
    assert seg.articles[0].headline == "题"


def test_no_article_heading_gives_a_warning() -> None:
    seg = parse_markdown_issue("只有一段文字，没有标题。\n")
    assert seg.articles == ()
    assert seg.junk == ("只有一段文字，没有标题。",)
    assert any("## " in w for w in seg.warnings)


def test_the_format_documents_complete_example_parses_as_it_says() -> None:
    doc = (ROOT / "docs" / "markdown-format.md").read_text("utf-8")
    example = re.search(r"### Complete example.*?```markdown\n(.*?)```", doc, re.DOTALL)
    assert example is not None
    seg = parse_markdown_issue(example.group(1))
    assert seg.junk == ("示范区新闻", "第3版") and seg.warnings == ()
    first, photo = seg.articles
    assert (first.kicker, first.reporters, first.correspondents) == (
        "压实责任 守牢底线", ("张亚丹",), ("李明",))
    assert first.paragraphs[2] == "各单位严格落实24小时值班制度；\n加强对重点部位的巡查。"
    assert first.section_heads == ("会议强调",)
    assert (photo.kind, photo.captions) == ("photo", ("图为活动现场。 张亚丹 摄",))
    assert photo.paragraphs[-1] == "引题：这一行是正文，不是引题。"
    assert photo.kicker is None


# ---------------------------------------------------------------- the export's escaping


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "# 不是标题",
    "## 也不是文章",
    "> 不是图片说明",
    "![不是](图片)",
    "引题：正文里的引题二字",
    "记者 ：带空格的冒号",
    "1. 不是列表",
    "- 不是列表",
    "+ 不是列表",
    "* 不是列表",
    "---",
    "    四个空格开头",
    "结尾两个空格  ",
    "\u3000全角空格开头",
    "**不是粗体** _不是斜体_ `不是代码`",
    "&amp; 与 &#32; 原样保留",
    "[不是链接](http://example.org)",
    "<http://example.org>",
    "\\引号前的反斜杠",
    "\\",
    "制表\t符",
    "换行\n## 也不是文章",
])
def test_escaped_paragraph_parses_back_as_the_same_body_text(text: str) -> None:
    line = escape_paragraph(text)
    assert "\n" not in line
    article = parse_one(f"## 题\n\n{line}\n")
    assert article.paragraphs == (text,)
    assert article.section_heads == () and article.captions == ()


def test_export_writes_front_matter_and_header_lines() -> None:
    meta = SourceMeta(newspaper="平顶山日报", date=IssueDate("2023-08-25", "day", "inferred"),
                      edition="第3版")
    article = Article(number=1, headline="标题", kicker="引", reporters=("甲", "乙"),
                      kind="photo", captions=("图说",), paragraphs=("正文。",))
    text = export_markdown(issue_of(article, meta=meta))
    assert text.startswith("---\n#")
    assert ("\nnewspaper: 平顶山日报\ndate: '2023-08-25'  # 由正文推断，请核对\nedition: 第3版\n"
            "title:\n---\n") in text
    assert "## 标题\n引题：引\n记者：甲、乙\n类型：photo\n" in text
    assert "> 图说\n" in text
    assert "类型：news" not in export_markdown(issue_of(Article(number=1, headline="题")))


def test_export_keeps_junk_above_the_first_article() -> None:
    issue = issue_of(Article(number=1, headline="题", paragraphs=("文。",)),
                     junk=("## 像标题的杂行", "-- 3 --", "普通杂行"))
    seg = parse_markdown_issue(export_markdown(issue))
    assert seg.junk == issue.junk
    assert len(seg.articles) == 1


# ---------------------------------------------------------------- end to end


TXT = """示范区新闻

## 示范区召开防汛工作会

本报讯（记者张亚丹）8月18日，示范区召开防汛工作会。

会议要求各单位加强值守。

## 会议强调

各单位要落实责任。

## 蓝湾社区开展普法活动

图为活动现场。 张亚丹 摄

近日，蓝湾社区开展普法活动。
"""

CORRECTED = """---
newspaper: 平顶山日报
date: 2023-08-19
edition: 第3版
---

## 示范区召开防汛工作会议
作者：本报讯（记者张亚丹）
记者：张亚丹

8月18日，示范区召开防汛工作会。

会议要求各单位加强值守。

### 会议强调

各单位要落实责任。<script>alert("body")</script>

## 蓝湾社区开展普法活动
摄影：张亚丹
类型：photo

> 图为活动现场。<script>alert("caption")</script> 张亚丹 摄

近日，蓝湾社区开展普法活动。
"""


@pytest.fixture
def corrected_site(build_from):  # type: ignore[no-untyped-def]
    return build_from({"content/2023-08-19-pdsrb.txt": TXT,
                       "content/2023-08-19-pdsrb.md": CORRECTED})


def issue_json(out: Path, issue_id: str) -> dict:
    return read_issue_records(out)[issue_id]


@pytest.mark.slow
def test_corrected_markdown_builds_to_exactly_what_it_says(corrected_site) -> None:  # type: ignore[no-untyped-def]
    out, result = corrected_site
    assert len(result.archive.issues) == 1  # the .txt beside the .md is not a second issue
    data = issue_json(out, "2023-08-19-pdsrb")
    assert data["origin"] == "markdown"
    assert data["newspaper"] == "平顶山日报" and data["date"] == "2023-08-19"
    articles = data["articles"]
    assert [a["headline"] for a in articles] == ["示范区召开防汛工作会议", "蓝湾社区开展普法活动"]
    merged, photo = articles
    assert merged["byline"] == "本报讯（记者张亚丹）"
    assert merged["paragraphs"] == ["8月18日，示范区召开防汛工作会。", "会议要求各单位加强值守。",
                                    "会议强调", '各单位要落实责任。<script>alert("body")</script>']
    assert merged["section_heads"] == ["会议强调"]
    assert merged["captions"] == []
    assert photo["kind"] == "photo"
    assert photo["photographers"] == ["张亚丹"]
    assert photo["captions"] == ['图为活动现场。<script>alert("caption")</script> 张亚丹 摄']
    assert photo["paragraphs"] == ["近日，蓝湾社区开展普法活动。"]


@pytest.mark.slow
def test_corrected_issue_publishes_its_raw_text_and_origin(corrected_site) -> None:  # type: ignore[no-untyped-def]
    out, result = corrected_site
    issue = result.archive.issues[0]
    assert issue.raw_text_path == "content/2023-08-19-pdsrb.txt"
    assert issue_json(out, issue.id)["raw_text"] == "content/2023-08-19-pdsrb.txt"
    published = (out / "issues" / issue.id / "source.txt").read_text("utf-8-sig")
    assert "## 会议强调" in published and "示范区召开防汛工作会\n" in published
    issue_page = (out / "issues" / issue.id / "index.html").read_text("utf-8")
    assert 'href="source.txt"' in issue_page
    report = json.loads((out / "data" / "report.json").read_text("utf-8"))
    assert [i["origin"] for i in report["issues"]] == ["markdown"]
    report_page = (out / "report" / "index.html").read_text("utf-8")
    assert ORIGIN_LABELS["markdown"] in report_page


@pytest.mark.slow
def test_script_in_body_and_caption_is_escaped_in_the_article_page(corrected_site) -> None:  # type: ignore[no-untyped-def]
    out, _ = corrected_site
    for number, words in ((1, "body"), (2, "caption")):
        page = (out / "issues" / "2023-08-19-pdsrb" / f"{number:02d}" / "index.html"
                ).read_text("utf-8")
        assert f'<script>alert("{words}")' not in page
        assert f"&lt;script&gt;alert(&#34;{words}&#34;)" in page or \
            f'&lt;script&gt;alert("{words}")' in page


@pytest.mark.slow
def test_markdown_issue_without_a_txt_has_no_raw_text(build_from) -> None:  # type: ignore[no-untyped-def]
    out, result = build_from({"content/only.md": "## 题\n\n文。\n"})
    issue = result.archive.issues[0]
    assert issue.origin == "markdown" and issue.raw_text_path is None
    assert not (out / "issues" / issue.id / "source.txt").exists()


@pytest.mark.slow
@pytest.mark.browser
def test_escaped_script_is_shown_as_text_and_never_runs(corrected_site, page) -> None:  # type: ignore[no-untyped-def]
    out, _ = corrected_site
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for number, words in ((1, "body"), (2, "caption")):
        page.goto((out / "issues" / "2023-08-19-pdsrb" / f"{number:02d}" / "index.html").as_uri())
        assert f'<script>alert("{words}")</script>' in page.locator("article").inner_text()
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('article script').length") == 0
