"""Enrich stage: places, topics, keywords, people and related articles.

``load_enricher`` loads the heavy resources (gazetteer, place file, taxonomy, and a jieba
dictionary of the enricher's own, taught their words); ``enrich_issue`` is then a pure
function of an issue;
``link_related`` runs once over the whole archive.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..config import Config
from ..model import Article, Issue, Place
from ..safety import safe_file
from ..tokenizer import JiebaTokenizer, Tokenizer
from .keywords import builtin_stopwords, pick_keywords, rank_terms
from .people import merge_misread_names, normalised_people
from .places import (
    PlaceBook,
    article_places,
    build_book,
    find_mentions,
    issue_context,
    load_gazetteer,
    load_local_places,
)
from .related import link_related
from .topics import Taxonomy, choose_topics, load_taxonomy, topic_scores

__all__ = ["Enricher", "enrich_issue", "link_related", "load_enricher", "make_enricher"]


@dataclass(frozen=True)
class Enricher:
    """Loaded enrichment resources, shared read-only by every issue."""

    places: PlaceBook
    taxonomy: Taxonomy
    stopwords: frozenset[str]
    tokenizer: Tokenizer

    @property
    def warnings(self) -> tuple[str, ...]:
        """Problems in the librarian's files, repeated on every issue until fixed."""
        return self.places.warnings + self.taxonomy.warnings


def make_enricher(places: PlaceBook, taxonomy: Taxonomy, tokenizer: Tokenizer,
                  stopwords: frozenset[str] | None = None) -> Enricher:
    """Teach the tokenizer place names and taxonomy phrases so it never splits them."""
    tokenizer.add_words(places.words())
    tokenizer.add_words(taxonomy.words())
    return Enricher(places, taxonomy, stopwords or builtin_stopwords(), tokenizer)


GAZETTEER_MISSING = (
    "未找到程序自带的行政区划地名表（baoku/data/gazetteer/adcodes.csv，安装可能不完整），"
    "只能识别地名文件中的区县和按后缀识别的街道、乡镇、社区、村"
)


def load_enricher(config: Config) -> Enricher:
    # A place or topic file inside content/ that links out of it is not read.
    places_file, skipped = safe_file(config.places_file, config.content_dir, "地名文件")
    topics_file, skipped_topics = safe_file(config.topics_file, config.content_dir, "主题文件")
    gazetteer = load_gazetteer()
    book = build_book(gazetteer, load_local_places(places_file))
    missing = () if gazetteer else (GAZETTEER_MISSING,)
    book = replace(book, warnings=(*missing, *skipped, *skipped_topics, *book.warnings))
    return make_enricher(book, load_taxonomy(topics_file), JiebaTokenizer())


def article_text(article: Article) -> str:
    """Everything place names may appear in, headline first."""
    heads = (article.kicker, article.headline, article.subtitle)
    return "\n".join([*(h for h in heads if h), article.text, *article.captions])


def tag_article(article: Article, enricher: Enricher, places: tuple[Place, ...]) -> Article:
    ranked = rank_terms(article, enricher.tokenizer)
    return replace(  # one replace: it builds a whole new article each time
        article,
        **normalised_people(article),
        places=places,
        topics=choose_topics(topic_scores(dict(ranked), enricher.taxonomy)),
        keywords=pick_keywords(ranked, enricher.tokenizer, enricher.stopwords),
    )


def enrich_issue(issue: Issue, enricher: Enricher) -> Issue:
    """Places, topics, keywords and clean credits for every article of one issue."""
    book, tokenizer = enricher.places, enricher.tokenizer
    texts = [article_text(a) for a in issue.articles]
    mentions = [find_mentions(text, book, tokenizer) for text in texts]
    context = issue_context(texts, mentions, book)
    articles, notes = merge_misread_names([
        tag_article(article, enricher, article_places(text, found, book, context))
        for article, text, found in zip(issue.articles, texts, mentions, strict=True)
    ])
    warnings = tuple(w for w in (*enricher.warnings, *notes) if w not in issue.warnings)
    return replace(issue, articles=articles, warnings=issue.warnings + warnings)
