"""Related articles through an inverted index (term → articles), never pairwise."""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import replace

from ..model import Article, Issue

MAX_RELATED = 5
# A term shared by more articles than this is too common to find candidates with
# (a topic, a big district); it still adds to the score of candidates found otherwise.
MAX_POSTING = 200
MAX_CANDIDATES = 50  # best candidates by rare terms that common terms may then reorder
SAME_ISSUE_FACTOR = 0.8  # same page: the reader is already there
MIN_SCORE = 0.5  # weight × idf: one shared keyword among a few articles is enough
KIND_WEIGHT = {"keyword": 1.0, "village": 1.5, "town": 1.2, "district": 0.3, "topic": 0.6}


def article_terms(article: Article) -> dict[str, float]:
    """The article's terms with their kind weights (keywords, places, topics)."""
    terms: dict[str, float] = {}
    for word in article.keywords:
        terms[f"k:{word}"] = KIND_WEIGHT["keyword"]
    for place in article.places:
        terms[f"p:{place.name}"] = KIND_WEIGHT[place.level]
    for topic in article.topics:
        terms[f"t:{topic}"] = KIND_WEIGHT["topic"]
    return terms


def build_index(terms: list[dict[str, float]]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = defaultdict(list)
    for doc, doc_terms in enumerate(terms):
        for term in doc_terms:
            index[term].append(doc)
    return index


def _idf(total: int, frequency: int) -> float:
    return math.log(1 + total / frequency)


def common_term_masks(terms: list[dict[str, float]], index: dict[str, list[int]]
                      ) -> tuple[list[int], dict[str, int]]:
    """Each document's common terms (postings longer than ``MAX_POSTING``) as the bits of
    one int, and each common term's bit: which common terms two documents share is then
    one ``&`` instead of a lookup per term."""
    bits: dict[str, int] = {}
    masks = []
    for doc_terms in terms:
        mask = 0
        for term in doc_terms:
            if len(index[term]) > MAX_POSTING:
                mask |= bits.setdefault(term, 1 << len(bits))
        masks.append(mask)
    return masks, bits


def rank_related(doc: int, terms: list[dict[str, float]], index: dict[str, list[int]],
                 issue_of: list[int], common: tuple[list[int], dict[str, int]]) -> list[int]:
    """Best related documents for ``doc``; only rare terms' postings are walked.
    ``common``: ``common_term_masks(terms, index)``, worked out once for all documents."""
    masks, bits = common
    total = len(terms)
    scores: dict[int, float] = {}
    get = scores.get
    shared: list[tuple[int, float]] = []  # (bit, gain) of the common terms, in term order
    for term, weight in terms[doc].items():
        posting = index[term]
        gain = weight * _idf(total, len(posting))
        if len(posting) > MAX_POSTING:
            shared.append((bits[term], gain))
            continue
        for other in posting:
            scores[other] = get(other, 0.0) + gain
    scores.pop(doc, None)
    shortlist = _best(scores, MAX_CANDIDATES) if len(scores) > MAX_CANDIDATES else scores.items()
    final: list[tuple[float, int]] = []
    own = masks[doc]
    common_gains: dict[int, float] = {}  # by the common terms shared: candidates repeat them
    for other, score in shortlist:
        if shared:
            both = masks[other] & own
            gain = common_gains.get(both)
            if gain is None:
                # In the article's own term order: a set's order follows string hashes,
                # which change from process to process, and float sums depend on order.
                gain = common_gains[both] = sum([g for bit, g in shared if bit & both])
            score += gain
        if issue_of[other] == issue_of[doc]:
            score *= SAME_ISSUE_FACTOR
        if score >= MIN_SCORE:
            final.append((-score, other))
    final.sort()
    return [other for _, other in final[:MAX_RELATED]]


def _best(scores: dict[int, float], count: int) -> list[tuple[int, float]]:
    """The ``count`` best (document, score) pairs, highest score first and lowest document
    among equal scores: ``nlargest`` by (score, -document), without a key call per item."""
    cut = heapq.nlargest(count, scores.values())[-1]
    above = [(other, score) for other, score in scores.items() if score > cut]
    tied = sorted(other for other, score in scores.items() if score == cut)
    return above + [(other, cut) for other in tied[:count - len(above)]]


def link_related(issues: tuple[Issue, ...], only: Collection[str] | None = None
                 ) -> tuple[Issue, ...]:
    """Fill every article's ``related`` (ids, best first, at most five), or only the
    articles of the issues whose ids are in ``only`` (ranked against the whole archive,
    so exactly as a full pass ranks them; the other issues are returned as they are)."""
    docs: list[tuple[int, Article]] = [
        (i, a) for i, issue in enumerate(issues) for a in issue.articles
    ]
    ids = [issues[i].article_id(a) for i, a in docs]
    terms = [article_terms(a) for _, a in docs]
    issue_of = [i for i, _ in docs]
    index = build_index(terms)
    common = common_term_masks(terms, index)
    out: list[Issue] = []
    cursor = 0
    for issue in issues:
        if only is not None and issue.id not in only:
            out.append(issue)
            cursor += len(issue.articles)
            continue
        articles = []
        for article in issue.articles:
            ranked = rank_related(cursor, terms, index, issue_of, common)
            related = tuple(ids[o] for o in ranked)
            articles.append(replace(article, related=related))
            cursor += 1
        out.append(replace(issue, articles=tuple(articles)))
    return tuple(out)


def related_inputs_digest(issues: tuple[Issue, ...]) -> str:
    """A digest of everything ``link_related`` reads: issue order and ids, and each
    article's number, keywords, places and topics (not its text). The ranking code is
    not in it: a caller keeping related lists across processes keys them by the code too."""
    digest = hashlib.sha256()
    for issue in issues:
        digest.update(f"\x1e{issue.id}".encode())
        for article in issue.articles:
            places = [(p.name, p.level) for p in article.places]
            digest.update(repr((issue.article_id(article), article.keywords, places,
                                article.topics)).encode())
    return digest.hexdigest()


def related_lists(issues: tuple[Issue, ...]) -> tuple[tuple[str, ...], ...]:
    """Every article's ``related``, in archive order (what ``apply_related`` takes)."""
    return tuple(a.related for issue in issues for a in issue.articles)


def apply_related(issues: tuple[Issue, ...], lists: tuple[tuple[str, ...], ...]
                  ) -> tuple[Issue, ...]:
    """``issues`` with their articles' ``related`` set from ``lists`` (``related_lists`` of
    a linked archive with the same ``related_inputs_digest``)."""
    if len(lists) != sum(len(issue.articles) for issue in issues):
        raise ValueError("related lists do not match the archive's articles")
    remaining = iter(lists)
    return tuple(replace(issue, articles=tuple(replace(a, related=next(remaining))
                                               for a in issue.articles))
                 for issue in issues)
