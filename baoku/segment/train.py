"""Rebuild the shipped line-role model: ``python -m baoku.segment.train``.

Trains on the layout fixtures (``tests/fixtures/layouts/*.json``: real annotated pages
with their words replaced by filler, see ``scripts/make_layout_fixtures.py``) and on
generated practice pages (``synthetic.py``), then writes ``baoku/segment/model.json``.
The same inputs give the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..clean import clean
from ..model import CleanText, Source, SourceMeta
from .classify import classify
from .roles import Role
from .synthetic import practice_page
from .tagger import Model, train
from .tagging import MODEL_PATH, page_features

FIXTURES = Path("tests") / "fixtures" / "layouts"
PRACTICE_PAGES = 400
# Chosen on papers the model has not seen (paper-grouped folds over every fixture paper
# and the real corpus, docs/segmentation.md): real pages counted once against the practice
# pages, and few epochs, generalise better than a model that memorises its fixtures.
EPOCHS = 15


@dataclass(frozen=True)
class LabelledPage:
    name: str  # source file name, or "practice-N"
    paper: str  # fixtures name papers "paper-NN"; practice pages are "practice"
    text: CleanText
    roles: tuple[Role, ...]
    weight: int = 1  # times the page counts in training


def cleaned(text: str, name: str = "page.txt") -> CleanText:
    return clean(Source(rel_path=name, sha256="", encoding="utf-8", format="txt",
                        text=text, meta=SourceMeta()))


def fixture_pages(folder: Path = FIXTURES) -> list[LabelledPage]:
    pages = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        pages.append(LabelledPage(data["source"], data["paper"],
                                  cleaned(data["text"], data["source"]), tuple(data["roles"]),
                                  data.get("weight", 1)))
    return pages


def practice_pages(count: int = PRACTICE_PAGES) -> list[LabelledPage]:
    pages = []
    for seed in range(count):
        page = practice_page(seed)
        pages.append(LabelledPage(f"practice-{seed}", "practice", cleaned(page.text()),
                                  tuple(page.roles())))
    return pages


def examples(pages: Iterable[LabelledPage]) -> list[tuple[list[list[str]], tuple[Role, ...]]]:
    out = []
    for page in pages:
        feats = page_features(classify(page.text))
        if len(feats) != len(page.roles):
            raise ValueError(f"{page.name}: {len(feats)} lines but {len(page.roles)} roles")
        out.append((feats, page.roles))
    return out


def train_model(pages: Iterable[LabelledPage], epochs: int = EPOCHS) -> Model:
    """Each page counts as often as its fixture's ``weight`` says (once unless set): the
    five sample pages count three times, as the archive a new user sees first."""
    weighted = [page for page in pages for _ in range(page.weight)]
    return train(examples(weighted), epochs=epochs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--practice", type=int, default=PRACTICE_PAGES)
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    pages = [*fixture_pages(args.fixtures), *practice_pages(args.practice)]
    model = train_model(pages)
    model.save(args.output)
    print(f"{args.output}: {len(pages)} pages, {len(model.vocabulary)} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
