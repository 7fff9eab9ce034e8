"""Segmentation quality against annotated pages: ``python -m baoku.segment.evaluate``.

An article counts as right when its headline is the annotated one (or an accepted
alternative; by where its body starts when it has none) and its body starts and ends
where the annotation says (first and last 8 characters, compared after folding width,
quotes and white space). Precision, recall and F1 follow from that count, per paper and
in total; ``--lopo`` trains the line-role model without each paper before scoring it, the
figure a librarian with a paper the model has never seen would get.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Article, CleanText
from . import assemble_items, segment
from .classify import classify
from .roles import Role
from .tagger import Model
from .tagging import apply_role
from .train import (
    FIXTURES,
    PRACTICE_PAGES,
    LabelledPage,
    cleaned,
    fixture_pages,
    practice_pages,
    train_model,
)

EDGE = 8
_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
                       "『": '"', "』": '"', "—": "-", "–": "-", "－": "-", "【": "[",
                       "】": "]", "〔": "(", "〕": ")", "。": ".", "、": ",", "·": "."})
_DROP = set("#▲▼●■◆")


def fold(text: str | None) -> str:
    """Text as compared: NFKC, no white space, one form of quotes and dashes."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return "".join(ch for ch in text if not ch.isspace() and ch not in _DROP)


@dataclass
class Tally:
    gold: int = 0
    built: int = 0
    headlines: int = 0
    exact: int = 0
    bylines: int = 0
    reporters: int = 0
    captions: int = 0
    captions_found: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("gold", "built", "headlines", "exact", "bylines", "reporters",
                     "captions", "captions_found"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses.extend(other.misses)

    @property
    def f1(self) -> float:
        if not self.exact:
            return 0.0
        precision, recall = self.exact / self.built, self.exact / self.gold
        return 2 * precision * recall / (precision + recall)


def _body(article: Article) -> str:
    return fold("".join(article.paragraphs))


def _matches(article: Article, gold: dict) -> bool:
    body = _body(article)
    starts = [gold["body_start"], *(gold.get("body_start_alternatives") or [])]
    ends = [gold["body_end"], *(gold.get("body_end_alternatives") or [])]
    return (any(body.startswith(fold(s)[:EDGE]) for s in starts)
            and any(body.endswith(fold(e)[-EDGE:]) for e in ends))


def _find(articles: Iterable[Article], gold: dict) -> Article | None:
    heads = [h for h in [gold.get("headline"), *(gold.get("headline_alternatives") or [])] if h]
    for article in articles:
        if heads and fold(article.headline) in {fold(h) for h in heads}:
            return article
        if not heads and _body(article).startswith(fold(gold["body_start"])[:EDGE]):
            return article
    return None


def score_page(articles: tuple[Article, ...], gold_articles: list[dict]) -> Tally:
    tally = Tally(gold=len(gold_articles), built=len(articles))
    captions = [fold(c) for a in articles for c in a.captions]
    used: set[int] = set()  # each built article answers one annotated article at most
    for gold in gold_articles:
        for caption in gold.get("captions") or []:
            tally.captions += 1
            tally.captions_found += any(c[:EDGE] == fold(caption)[:EDGE] for c in captions)
        article = _find((a for a in articles if a.number not in used), gold)
        label = gold.get("headline") or gold["body_start"]
        if article is None:
            tally.misses.append(f"缺失 missing: {label}")
            continue
        used.add(article.number)
        tally.headlines += 1
        if _matches(article, gold):
            tally.exact += 1
        else:
            tally.misses.append(f"边界 boundary: {label}")
        tally.bylines += fold(gold.get("byline")) == fold(article.byline)
        tally.reporters += sorted(gold.get("reporters") or []) == sorted(article.reporters)
    return tally


def gold_from_roles(text: CleanText, roles: tuple[Role, ...]) -> list[dict]:
    """Annotation-format articles from a page's labelled lines (for the fixtures)."""
    items = [apply_role(it, role) for it, role in zip(classify(text), roles, strict=True)]
    return [_as_gold(a) for a in assemble_items(items).articles]


def _as_gold(article: Article) -> dict:
    body = "".join(article.paragraphs)
    return {"headline": article.headline or None, "body_start": body[:12],
            "body_end": body[-12:], "byline": article.byline,
            "reporters": list(article.reporters), "captions": list(article.captions)}


@dataclass(frozen=True)
class GoldPage:
    name: str
    paper: str
    text: CleanText
    articles: list[dict]


def corpus_pages(folder: Path, papers: dict[str, str]) -> list[GoldPage]:
    """Real pages with gold: ``folder/seeds/*.txt`` beside ``folder/gold/*.json``."""
    pages = []
    for gold_path in sorted((folder / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        seed = folder / "seeds" / gold["source"]
        text = cleaned(seed.read_text(encoding="utf-8"), seed.name)
        pages.append(GoldPage(seed.name, papers.get(seed.name, seed.name), text,
                              gold["articles"]))
    return pages


def paper_fold(paper: str, folds: int) -> int:
    """The fold a paper is held out in: fixed by its name, so every run splits alike."""
    return zlib.crc32(paper.encode("utf-8")) % folds


class Models:
    """Trained models made once each: one per held-out paper (``lopo``), one per fold of
    papers (``folds``: the model that scores a paper was trained without its whole fold),
    or one for all."""

    def __init__(self, train_pages: list[LabelledPage], lopo: bool, folds: int = 0) -> None:
        self.train_pages, self.lopo, self.folds = train_pages, lopo, folds
        self.made: dict[str, Model] = {}

    def _held_out(self, paper: str) -> Callable[[str], bool]:
        if self.folds:
            fold = paper_fold(paper, self.folds)
            return lambda other: other != "practice" and paper_fold(other, self.folds) == fold
        if self.lopo:
            return lambda other: other == paper
        return lambda other: False

    def for_paper(self, paper: str) -> Model:
        held_out = self._held_out(paper)
        key = ",".join(sorted({t.paper for t in self.train_pages if held_out(t.paper)}))
        if key not in self.made:
            self.made[key] = train_model([t for t in self.train_pages if not held_out(t.paper)])
        return self.made[key]


def evaluate(pages: list[GoldPage], models: Models, verbose: bool) -> dict[str, Tally]:
    by_paper: dict[str, Tally] = {}
    for paper in sorted({p.paper for p in pages}):
        model = models.for_paper(paper)
        tally = Tally()
        for page in (p for p in pages if p.paper == paper):
            result = score_page(segment(page.text, model).articles, page.articles)
            tally.add(result)
            if verbose:
                print(f"  {page.name}: F1 {result.f1:.3f}")
                for miss in result.misses:
                    print(f"    {miss}")
        by_paper[paper] = tally
    return by_paper


def print_table(title: str, by_paper: dict[str, Tally]) -> Tally:
    print(title)
    print(f"{'paper':<14}{'gold':>5}{'built':>6}{'exact':>6}{'F1':>7}{'headline':>10}"
          f"{'byline':>8}{'reporters':>10}{'captions':>10}")
    total = Tally()
    for paper, t in [*by_paper.items(), ("TOTAL", None)]:
        if t is None:
            t = total
        else:
            total.add(t)
        print(f"{paper[:13]:<14}{t.gold:>5}{t.built:>6}{t.exact:>6}{t.f1:>7.3f}"
              f"{t.headlines:>5}/{t.gold:<4}{t.bylines:>4}/{t.headlines:<3}"
              f"{t.reporters:>5}/{t.headlines:<4}{t.captions_found:>5}/{t.captions:<4}")
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES,
                        help="labelled placeholder pages (default: %(default)s)")
    parser.add_argument("--corpus", type=Path, action="append", default=[],
                        help="folder with seeds/ and gold/ of real pages (repeatable)")
    parser.add_argument("--lopo", action="store_true",
                        help="leave one paper out: train without each paper, score it")
    parser.add_argument("--folds", type=int, default=0, metavar="K",
                        help="hold out papers in K fixed folds instead of one by one "
                             "(K trainings instead of one per paper)")
    parser.add_argument("--practice", type=int, default=PRACTICE_PAGES)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    fixtures = fixture_pages(args.fixtures)
    train_pages = [*fixtures, *practice_pages(args.practice)]
    papers = {f.name: f.paper for f in fixtures}
    pages = [GoldPage(f.name, f.paper, f.text, gold_from_roles(f.text, f.roles))
             for f in fixtures]
    mode = (f"{args.folds} folds of papers" if args.folds
             else "leave-one-paper-out" if args.lopo else "trained on all")
    models = Models(train_pages, args.lopo, args.folds)
    print_table(f"Layout fixtures ({mode}):", evaluate(pages, models, args.verbose))
    for folder in args.corpus:
        real = corpus_pages(folder, papers)
        total = print_table(f"\nReal pages in {folder} ({mode}):",
                            evaluate(real, models, args.verbose))
        print(f"F1 {total.f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
