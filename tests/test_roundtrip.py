"""Round trip: export an issue as Markdown, parse (or build) it back, get the same articles."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import make_config, seed_paths
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baoku.config import Config
from baoku.export import read_issue_records
from baoku.export_md import ExportError, export_source, markdown_path_for
from baoku.markdown_issue import KINDS, export_markdown, parse_markdown_issue
from baoku.model import Article, Issue, Source, SourceMeta
from baoku.pipeline import build

# ---------------------------------------------------------------- arbitrary articles

# Text a paragraph may hold: anything printable on one line, tabs included, salted with the
# fragments Markdown and our own format give a meaning to.
TRICKY = ["#", "## ", "### ", "> ", ">", "*", "**", "_", "`", "<script>", "</p>", "<b>",
          "&amp;", "&#32;", "&", "\\", "[", "](", "![", "!", "|", "---", "===", "1. ", "- ",
          "+ ", "  ", "    ", "\t", "\u3000", "引题：", "记者：", "类型：", "作者:", "http://x.cn",
          "<http://x.cn>", "{", "}", "~~", "\n", "\n## ", "\n> "]
_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
_PIECE = st.one_of(st.text(_CHARS, min_size=1, max_size=8), st.sampled_from(TRICKY))
body_text = st.lists(_PIECE, min_size=1, max_size=6).map("".join)
field_text = body_text.map(lambda s: " ".join(s.split("\n")).strip()).filter(bool)
# Captions may run over several lines (two photos, one credit).
caption_text = st.lists(body_text, min_size=1, max_size=3).map("\n".join).map(str.strip
                                                                             ).filter(bool)
names = st.lists(st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                         min_size=1, max_size=4), max_size=3).map(tuple)
optional = st.one_of(st.none(), field_text)


@st.composite
def articles(draw: st.DrawFn, number: int = 1) -> Article:
    blocks = draw(st.lists(st.tuples(st.booleans(), body_text), max_size=6))
    paragraphs, heads = [], []
    for is_head, text in blocks:
        if is_head:  # section heads are single lines
            text = " ".join(text.split("\n")).strip()
            if not text:
                continue
            heads.append(text)
        paragraphs.append(text)
    return Article(
        number=number,
        headline=draw(field_text),
        kicker=draw(optional),
        subtitle=draw(optional),
        byline=draw(optional),
        column=draw(optional),
        reporters=draw(names),
        correspondents=draw(names),
        photographers=draw(names),
        kind=draw(st.sampled_from(KINDS)),
        paragraphs=tuple(paragraphs),
        section_heads=tuple(heads),
        captions=tuple(draw(st.lists(caption_text, max_size=3))),
    )


def issue_with(articles: tuple[Article, ...], junk: tuple[str, ...] = ()) -> Issue:
    source = Source(rel_path="content/x.txt", sha256="", encoding="utf-8", format="txt",
                    text="", meta=SourceMeta(newspaper="某报"))
    return Issue(id="x", source=source, articles=articles, junk=junk)


def without_html(article: Article) -> Article:
    return replace(article, paragraphs_html=())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_any_article_survives_export_and_parse(article: Article) -> None:
    seg = parse_markdown_issue(export_markdown(issue_with((article,))))
    assert seg.warnings == ()
    assert [without_html(a) for a in seg.articles] == [article]
    assert len(seg.articles[0].paragraphs_html) == len(article.paragraphs)


@settings(max_examples=40, deadline=None)
@given(st.lists(articles(), min_size=1, max_size=4), st.lists(field_text, max_size=3))
def test_any_issue_keeps_article_order_and_junk(drawn: list[Article], junk: list[str]) -> None:
    numbered = tuple(replace(a, number=n) for n, a in enumerate(drawn, start=1))
    seg = parse_markdown_issue(export_markdown(issue_with(numbered, tuple(junk))))
    assert tuple(without_html(a) for a in seg.articles) == numbered
    assert seg.junk == tuple(junk)


# ---------------------------------------------------------------- the seeds, built both ways


def _articles_by_issue(out: Path) -> dict[str, list[dict]]:
    return {issue_id: record["articles"] for issue_id, record in read_issue_records(out).items()}


@pytest.fixture(scope="module")
def seeds_both_ways(tmp_path_factory: pytest.TempPathFactory
                    ) -> tuple[dict[str, list[dict]], dict[str, list[dict]], Path, Config]:
    """The seeds built from their .txt, then again after ``--export-md`` of every seed."""
    project = tmp_path_factory.mktemp("roundtrip")
    content = project / "content"
    content.mkdir()
    for seed in seed_paths():
        shutil.copy(seed, content / seed.name)
    config = make_config(project, project / "out-txt")
    build(config, log=lambda m: None)
    for txt in sorted(content.glob("*.txt")):
        export_source(txt, config)
    md_config = make_config(project, project / "out-md")
    result = build(md_config, log=lambda m: None)
    assert {i.origin for i in result.archive.issues} == {"markdown"}
    return (_articles_by_issue(project / "out-txt"), _articles_by_issue(project / "out-md"),
            project, config)


@pytest.mark.slow
def test_every_seed_round_trips_field_by_field(seeds_both_ways) -> None:  # type: ignore[no-untyped-def]
    from_txt, from_md, _, _ = seeds_both_ways
    assert sorted(from_md) == sorted(from_txt)
    assert len(from_txt) == len(seed_paths())
    for issue_id, txt_articles in from_txt.items():
        md_articles = from_md[issue_id]
        assert len(md_articles) == len(txt_articles), issue_id
        for txt_article, md_article in zip(txt_articles, md_articles, strict=True):
            for name, value in txt_article.items():
                assert md_article[name] == value, (issue_id, txt_article["id"], name)


@pytest.mark.slow
def test_export_never_overwrites_and_never_touches_the_txt(seeds_both_ways) -> None:  # type: ignore[no-untyped-def]
    _, _, project, config = seeds_both_ways
    txt = sorted((project / "content").glob("*.txt"))[0]
    seed = next(p for p in seed_paths() if p.name == txt.name)
    assert txt.read_bytes() == seed.read_bytes()
    target = markdown_path_for(txt)
    before = target.read_bytes()
    with pytest.raises(ExportError, match="已经存在"):
        export_source(txt, config)
    assert target.read_bytes() == before


def test_export_refuses_what_is_not_a_txt(tmp_path: Path) -> None:
    config = make_config(tmp_path, tmp_path / "out")
    (tmp_path / "a.md").write_text("## 题\n", encoding="utf-8")
    with pytest.raises(ExportError, match=r"\.txt"):
        export_source(tmp_path / "a.md", config)
    with pytest.raises(ExportError, match="找不到"):
        export_source(tmp_path / "missing.txt", config)


@pytest.mark.slow
def test_build_py_export_md_writes_once_then_refuses(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from baoku.cli import main

    (tmp_path / "content").mkdir()
    txt = tmp_path / "content" / "a.txt"
    txt.write_text("## 标题\n\n正文。\n", encoding="utf-8")
    assert main(["--root", str(tmp_path), "--export-md", str(txt)]) == 0
    assert "已导出" in capsys.readouterr().out
    written = (tmp_path / "content" / "a.md").read_text("utf-8")
    assert main(["--root", str(tmp_path), "--export-md", str(txt)]) == 1
    assert "已经存在" in capsys.readouterr().err
    assert (tmp_path / "content" / "a.md").read_text("utf-8") == written
    assert not (tmp_path / "output").exists()
