"""End to end: a corpus of bad inputs builds; each problem is named, nothing is lost."""

from __future__ import annotations

import codecs
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import gold_paths

from baoku import read
from baoku.export import read_issue_records
from baoku.pipeline import BuildResult
from baoku.render.home import date_page

ARTICLE = ("{headline}\n\n本报讯（记者{reporter}）{day}，示范区湖滨路街道蓝湾社区开展志愿服务活动，"
           "为辖区居民送去了健康义诊和法律咨询服务。\n\n"
           "活动现场，志愿者们耐心解答居民提出的问题，并发放宣传资料二百余份。"
           "居民们纷纷表示，这样的活动实实在在，希望以后多多举办。\n")
SCRIPT = '<script>alert("报库")</script>'
IMG = '<img src=x onerror="alert(1)">'
XSS = (f"社区举办{SCRIPT}普法讲座\n\n本报讯（记者李四）8月16日，社区邀请律师讲解{IMG}法律知识，"
       "居民们认真听讲，踊跃提问，现场气氛热烈。\n\n"
       "讲座结束后，律师还为居民提供了一对一的法律咨询服务，解答了婚姻家庭、"
       "劳动纠纷等方面的问题。</p></article><b>加粗</b>\n")
DUP_CLAIM = "---\nnewspaper: 晚报\ndate: 2023-09-01\n---\n"
MARKUP_NAME = "<img src=x onerror=alert(2)>.txt"
LONG_NAME = "2023-08-27_" + "very-long-scanned-page-name-" * 7 + "end.txt"


def article(headline: str, reporter: str = "张三", day: str = "8月20日") -> str:
    return ARTICLE.format(headline=headline, reporter=reporter, day=day)


def corpus() -> dict[str, str | bytes]:
    return {
        "content/2023-08-25-good.txt": article("社区志愿服务暖人心"),
        "content/gbk-issue.txt": article("国标编码的一期", "王五").encode("gbk"),
        "content/utf16-issue.txt": codecs.BOM_UTF16_LE + article("双字节编码").encode("utf-16-le"),
        "content/empty.txt": b"",
        "content/blank.txt": "  \n\u3000\n\t\n",
        "content/scan.pdf.txt": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n",
        "content/photo.txt": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(200),
        "content/bundle.txt": b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(100),
        "content/xss.txt": XSS,
        "content/2023-08-25 第3版 #1 100%.txt": article("文件名里有空格和井号"),
        "content/平顶山日报 八月.txt": article("中文文件名的一期", "赵六"),
        f"content/{LONG_NAME}": article("很长的文件名"),
        f"content/{MARKUP_NAME}": article("文件名里有标签"),
        "content/bad-front.txt": "---\nnewspaper: 日报\ndate: [2023\n---\n" + article("格式有误"),
        "content/dup-a.txt": DUP_CLAIM + article("重复之一"),
        "content/dup-b.txt": DUP_CLAIM + article("重复之二"),
        "content/with-sidecar.txt": article("附属信息文件的一期"),
        "content/with-sidecar.meta.toml": 'newspaper = "平顶山日报"\ndate = 2023-08-30\n',
    }


REFUSED = {
    "content/empty.txt": "为空",
    "content/blank.txt": "为空",
    "content/scan.pdf.txt": "PDF",
    "content/photo.txt": "JPEG",
    "content/bundle.txt": "ZIP",
}


@pytest.fixture
def bad_site(build_from, tmp_path: Path) -> tuple[Path, BuildResult, dict[str, bytes]]:
    out, result = build_from(corpus())
    content = tmp_path / "project" / "content"
    after = {p.name: p.read_bytes() for p in content.iterdir()}
    return out, result, after


def by_source(result: BuildResult) -> dict[str, object]:
    return {issue.source.rel_path: issue for issue in result.archive.issues}


@pytest.mark.slow
def test_bad_files_are_refused_with_named_messages(bad_site) -> None:
    _, result, _ = bad_site
    failures = {f.rel_path: f for f in result.archive.failures}
    assert set(failures) == set(REFUSED)
    for rel, problem in REFUSED.items():
        assert failures[rel].stage == "read"
        assert failures[rel].message.startswith(f"{rel}：")
        assert problem in failures[rel].message


@pytest.mark.slow
def test_every_readable_file_becomes_an_issue(bad_site) -> None:
    _, result, _ = bad_site
    built = set(by_source(result))
    expected = set(corpus()) - set(REFUSED)
    expected.discard("content/with-sidecar.meta.toml")  # a sidecar is not an issue
    assert built == expected
    assert all(issue.articles for issue in result.archive.issues)


@pytest.mark.slow
def test_nothing_in_content_is_deleted_or_changed(bad_site) -> None:
    _, _, after = bad_site
    before = {Path(rel).name: (v.encode() if isinstance(v, str) else v)
              for rel, v in corpus().items()}
    assert after == before


@pytest.mark.slow
def test_encodings_are_reported(bad_site) -> None:
    out, result, _ = bad_site
    issues = by_source(result)
    assert issues["content/gbk-issue.txt"].source.encoding == "gb18030"
    assert issues["content/utf16-issue.txt"].source.encoding == "utf-16-le"
    assert any("GB18030" in w for w in issues["content/gbk-issue.txt"].warnings)
    summary = json.loads((out / "data/archive.json").read_text(encoding="utf-8"))
    gbk = next(i for i in summary["issues"] if i["source"] == "content/gbk-issue.txt")
    assert any("不是 UTF-8" in w for w in gbk["warnings"])
    page = _issue_html(out, issues["content/gbk-issue.txt"].id)
    assert "国标编码的一期" in page


@pytest.mark.slow
def test_metadata_from_front_matter_sidecar_and_file_name(bad_site) -> None:
    out, result, _ = bad_site
    issues = by_source(result)
    good = issues["content/2023-08-25-good.txt"].source.meta
    assert (good.date.value, good.date.source) == ("2023-08-25", "filename")
    side = issues["content/with-sidecar.txt"].source.meta
    assert (side.newspaper, side.date.value, side.date.source) == ("平顶山日报", "2023-08-30",
                                                                   "sidecar")
    bad = issues["content/bad-front.txt"]
    assert any("第3行" in w and "格式有误" in w for w in bad.warnings)
    published = read_issue_records(out)[bad.id]["articles"]  # the archive keeps no text
    body = " ".join(p for a in published for p in a["paragraphs"])
    assert body and "newspaper" not in body


@pytest.mark.slow
def test_duplicate_claims_warn_both_files(bad_site) -> None:
    _, result, _ = bad_site
    issues = by_source(result)
    a, b = issues["content/dup-a.txt"], issues["content/dup-b.txt"]
    assert a.id != b.id
    assert any("content/dup-b.txt" in w and "同一期" in w for w in a.warnings)
    assert any("content/dup-a.txt" in w and "同一期" in w for w in b.warnings)


def _issue_html(out: Path, issue_id: str) -> str:
    return (out / "issues" / issue_id / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_html_in_the_text_is_escaped_everywhere(bad_site) -> None:
    out, result, _ = bad_site
    pages = {p: p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    assert pages
    raw_markup = ("<script>alert", "<img src=x", "</p></article><b>")
    for path, html in pages.items():
        for needle in raw_markup:
            assert needle not in html, f"{needle!r} unescaped in {path.relative_to(out)}"
    xss = by_source(result)["content/xss.txt"]
    article_pages = [pages[out / "issues" / xss.id / f"{a.number:02d}" / "index.html"]
                     for a in xss.articles]
    joined = "\n".join(article_pages)
    assert "&lt;script&gt;alert(" in joined  # the text survives, escaped
    assert "&lt;img src=x onerror=" in joined
    # The source path is shown in the build report (not on the reader's issue page).
    report = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(2)&gt;" in report
    data = read_issue_records(out)[xss.id]
    text = json.dumps(data, ensure_ascii=False)
    assert "alert(1)" in text and "<script>" in text.replace("\\", "")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.hrefs.append(value)


def _broken_links(out: Path, page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    broken = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or out.resolve() not in target.parents:
            broken.append(href)
    return broken


@pytest.mark.slow
@pytest.mark.parametrize("name", [
    "2023-08-25 第3版 #1 100%.txt", "平顶山日报 八月.txt", LONG_NAME, MARKUP_NAME,
])
def test_odd_file_names_build_and_link(bad_site, name: str) -> None:
    out, result, _ = bad_site
    issue = by_source(result)[f"content/{name}"]
    assert re.fullmatch(r"[0-9A-Za-z_\-]+", issue.id) and len(issue.id) <= 60
    page = out / "issues" / issue.id / "index.html"
    assert page.is_file()
    assert _broken_links(out, page) == []
    listing = out / date_page(issue.date.value or "") / "index.html"  # its year's page
    assert f"issues/{issue.id}/" in listing.read_text(encoding="utf-8")
    for art in issue.articles:
        article_page = out / "issues" / issue.id / f"{art.number:02d}" / "index.html"
        assert article_page.is_file()
        assert _broken_links(out, article_page) == []


@pytest.mark.slow
def test_build_report_names_every_refused_file(bad_site) -> None:
    out, result, _ = bad_site
    report = out / "report" / "index.html"
    assert report.is_file()
    html = report.read_text(encoding="utf-8")
    for failure in result.archive.failures:
        assert failure.rel_path in html


@pytest.mark.slow
def test_oversized_file_is_refused_and_the_rest_builds(build_from, monkeypatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 4096)
    _, result = build_from({
        "content/big.txt": article("超大文件") * 40,
        "content/small.txt": article("普通的一期"),
    })
    assert [f.rel_path for f in result.archive.failures] == ["content/big.txt"]
    assert "文件过大" in result.archive.failures[0].message
    assert [i.source.rel_path for i in result.archive.issues] == ["content/small.txt"]


@pytest.mark.slow
def test_file_name_that_is_not_utf8_builds(build_from) -> None:
    gbk_name = "content/" + "第三版".encode("gbk").decode("utf-8", "surrogateescape") + ".txt"
    out, result = build_from({gbk_name: article("文件名是国标编码"),
                              "content/ok.txt": article("普通的一期")})
    assert result.archive.failures == ()
    issue = by_source(result)["content/第三版.txt"]
    assert any("不是 UTF-8" in w and "重命名" in w for w in issue.warnings)
    assert (out / "issues" / issue.id / "index.html").is_file()


@pytest.mark.slow
def test_seed_dates_agree_with_the_gold_guesses(seed_site) -> None:
    golds = gold_paths()
    out, _ = seed_site
    summary = json.loads((out / "data/archive.json").read_text(encoding="utf-8"))
    by_name = {Path(i["source"]).name: i for i in summary["issues"]}
    for path in golds:
        gold = json.loads(path.read_text(encoding="utf-8"))
        issue = by_name[gold["source"]]
        assert (issue["date"], issue["date_source"]) == (gold["date_guess"], "inferred")
        assert any(w.startswith("日期由正文推断为") for w in issue["warnings"])
    assert all(i["newspaper"] is None for i in summary["issues"])  # 本报 names no paper
