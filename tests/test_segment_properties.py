"""Property tests: on generated pages segment never crashes, loses or duplicates text."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from baoku.clean import clean
from baoku.model import Article, Segmentation, Source, SourceMeta
from baoku.segment import segment
from baoku.segment.classify import MARKED

HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由过外月"
)
PUNCT = "，。、；：！？“”（）——…《》,.;:()!?\"'-#▲▼"
NOISE_ALPHABET = HAN + PUNCT + "abcXYZ0123456789 \t\u3000摄记者本报讯通讯员图"

names = st.text(alphabet="王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高梁宋邱岩明丽强军", min_size=2,
                max_size=3)
phrase = st.text(alphabet=HAN, min_size=2, max_size=8)
sentence = st.builds(lambda words, end: "，".join(words) + end,
                     st.lists(phrase, min_size=1, max_size=5), st.sampled_from("。！？…"))
paragraph = st.lists(sentence, min_size=1, max_size=4).map("".join)


def _split_paragraph(text: str, at: float) -> str:
    """A paragraph cut by a column break: two lines separated by a blank line."""
    cut = max(1, int(len(text) * at))
    return f"{text[:cut]}\n\n{text[cut:]}" if cut < len(text) else text


blocks = st.one_of(
    paragraph,
    st.builds(_split_paragraph, paragraph, st.floats(0.1, 0.9)),
    phrase,  # headline-like line
    phrase.map(lambda p: f"## {p}"),
    st.builds(lambda a, b: f"{a} {b}", phrase, phrase),  # kicker-like line
    phrase.map(lambda p: f"——{p}"),
    st.builds(lambda n, p: f"本报讯（记者{n}）{p}", names, paragraph),
    st.builds(lambda n, m: f"本报讯(记者 {n} 通讯员 {m})", names, names),
    st.builds(lambda n, m: f"本报融媒体记者 {n} 通讯员 {m}", names, names),
    names.map(lambda n: f"（本报记者 {n}）"),
    names.map(lambda n: f"本报记者 {n} 摄"),
    st.builds(lambda s, n: f"{s} {n} 摄", sentence, names),
    phrase.map(lambda p: f"▲{p}"),
    st.sampled_from(["图一", "图二：练习瑜伽", "做", "刘 \\Box 五 镇", "-", "#"]),
    phrase.map(lambda p: f"{p}点评"),
    st.text(alphabet=NOISE_ALPHABET, max_size=40),
)
pages = st.lists(st.tuples(blocks, st.integers(1, 5)), max_size=14).map(
    lambda parts: "".join(block + "\n" * gap for block, gap in parts))


def _visible(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


def _fields(article: Article) -> list[str]:
    parts = [article.headline, article.kicker, article.subtitle, article.column, article.byline]
    return [p for p in parts if p] + list(article.paragraphs) + list(article.captions)


def _expected(text: str) -> Counter[str]:
    """Every non-blank cleaned line, headline markers ('## ') excepted."""
    source = Source(rel_path="content/p.txt", sha256="0", encoding="utf-8", format="txt",
                    text=text, meta=SourceMeta())
    total: Counter[str] = Counter()
    for line in clean(source).lines:
        marked = MARKED.match(line.text)
        total += _visible(marked.group("text") if marked else line.text)
    return total


def _produced(result: Segmentation) -> Counter[str]:
    total: Counter[str] = Counter()
    for article in result.articles:
        for part in _fields(article):
            total += _visible(part)
    for junk in result.junk:
        total += _visible(junk)
    return total


def _segment(text: str) -> Segmentation:
    source = Source(rel_path="content/p.txt", sha256="0", encoding="utf-8", format="txt",
                    text=text, meta=SourceMeta())
    return segment(clean(source))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages)
@example("一一\n一一点评\n一一\n一一\n一一\n（本报记者 丽丽）\n")  # label + 3-line stack
@example("一一点评\n一一\n")  # junk stepped over while reading a stack
def test_generated_pages_lose_and_duplicate_nothing(text: str) -> None:
    result = _segment(text)
    assert _produced(result) == _expected(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_and_keeps_every_character(text: str) -> None:
    result = _segment(text)
    assert _produced(result) == _expected(text)


@settings(max_examples=150, deadline=None)
@given(pages)
def test_articles_are_numbered_in_reading_order_and_warnings_name_lines(text: str) -> None:
    result = _segment(text)
    assert [a.number for a in result.articles] == list(range(1, len(result.articles) + 1))
    for article in result.articles:
        assert set(article.section_heads) <= set(article.paragraphs)
        assert all(p.strip() for p in article.paragraphs)
    assert all(w.startswith("第 ") and " 行" in w for w in result.warnings)


def _layout_pages() -> list[str]:
    """Every layout fixture's text, and the developers' real corpus pages when present."""
    root = Path(__file__).resolve().parent.parent
    texts = [json.loads(p.read_text(encoding="utf-8"))["text"]
             for p in sorted((root / "tests" / "fixtures" / "layouts").glob("*.json"))]
    for folder in (root.parent / "shared" / "corpus" / "seeds", root.parent / "shared" / "seeds"):
        texts += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    return texts


def test_real_layouts_lose_and_duplicate_nothing() -> None:
    for text in _layout_pages():
        assert _produced(_segment(text)) == _expected(text)
