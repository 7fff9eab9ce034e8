"""The offline (file://) index: plain script files that register themselves with search.js.

Terms are jieba ``cut_for_search`` words plus CJK character unigrams and bigrams, so a
browser without jieba can segment any query into bigrams and still meet the index.
Postings are ``[doc delta, weighted tf, …]``, split into chunks by the first character
of the term; article texts (for excerpts) ship in separate chunks loaded on demand.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .pagefind import FILTER_NAMES, UNDATED_LABEL
from .records import SearchRecord

OFFLINE_DIR = "search-offline"
FORMAT = 1
HEADING_WEIGHT = 4  # a heading occurrence counts as this many body occurrences
TEXT_CHUNK_DOCS = 100
TARGET_POSTINGS_PER_CHUNK = 40_000
MAX_TERM_CHUNKS = 256

# Quotes and brackets are dropped before bigrams, so “五星”支部 also yields 星支.
_QUOTES = re.compile(r"[\"'“”‘’「」『』《》〈〉【】〔〕（）()\[\]]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")
_CJK_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{3,}$")

Cut = Callable[[str], list[str]]


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII) and lower case; the JS does the same."""
    return unicodedata.normalize("NFKC", text).lower()


def gram_terms(text: str) -> list[str]:
    """ASCII tokens, then CJK unigrams and bigrams of each run, in text order."""
    return _normalized_gram_terms(normalize(text))


def _normalized_gram_terms(text: str) -> list[str]:
    text = _QUOTES.sub("", text)
    terms = _ASCII_TOKEN.findall(text)
    for run in _CJK_RUN.findall(text):
        terms.extend(run)
        terms.extend(map(str.__add__, run, run[1:]))  # bigrams, without slicing per index
    return terms


def word_terms(text: str, cut: Cut) -> list[str]:
    """jieba words of three or more CJK characters (shorter ones are already bigrams)."""
    return [w for w in (normalize(t) for t in cut(text)) if _CJK_WORD.match(w)]


def _normalized_word_terms(text: str, cut: Cut) -> list[str]:
    # ``text`` is normalised already; a word cut from it needs no second pass.
    return [w for w in cut(text) if len(w) >= 3 and _CJK_WORD.match(w)]


def term_counts(record: SearchRecord, cut: Cut) -> Counter[str]:
    """Weighted term frequencies of one article: heading terms count ``HEADING_WEIGHT``
    times; every term of the heading and the body counts at least once."""
    heading = normalize(record.heading)
    body = normalize(record.body)
    counts = Counter(_normalized_gram_terms(body))
    counts.update(_normalized_word_terms(body, cut))
    heading_counts = Counter(_normalized_gram_terms(heading))
    heading_counts.update(_normalized_word_terms(heading, cut))
    for term, n in heading_counts.items():
        counts[term] += n * HEADING_WEIGHT
    return counts


@dataclass(frozen=True)
class OfflineIndex:
    """The offline index as the files it is written to (site path -> JavaScript text)."""

    files: dict[str, str]
    term_count: int
    posting_count: int


def chunk_of(term: str, chunks: int) -> int:
    """The term chunk a term lives in; search.js computes the same."""
    return ord(term[0]) % chunks


def _facet_table(records: Sequence[SearchRecord]) -> dict[str, list[str]]:
    values: dict[str, set[str]] = {name: set() for name in FILTER_NAMES}
    for record in records:
        for name, vals in _record_facets(record).items():
            values[name].update(vals)
    return {name: sorted(vals) for name, vals in values.items()}


def _record_facets(record: SearchRecord) -> dict[str, tuple[str, ...]]:
    district, topic, year, paper, reporter = FILTER_NAMES
    return {
        district: record.districts,
        topic: record.topics,
        year: (record.year or UNDATED_LABEL,),
        paper: (record.paper,) if record.paper else (),
        reporter: record.reporters,
    }


def _doc_row(record: SearchRecord, length: int,
             positions: dict[str, dict[str, int]]) -> list[object]:
    row_facets = [[positions[name][v] for v in vals]
                  for name, vals in _record_facets(record).items()]
    return [record.file, record.headline, record.date or "", record.paper or "",
            record.issue_label, length, row_facets]


def _postings(records: Sequence[SearchRecord], cut: Cut
              ) -> tuple[dict[str, array[int]], list[int]]:
    """Postings ``term -> [doc delta, weighted tf, …]`` and each document's length,
    built one document at a time so only the postings stay in memory."""
    postings: dict[str, array[int]] = {}
    last: dict[str, int] = {}
    lengths = []
    for doc, record in enumerate(records):
        counts = term_counts(record, cut)
        lengths.append(sum(counts.values()))
        for term, tf in counts.items():  # postings are per term: document order suffices
            posting = postings.get(term)
            if posting is None:
                postings[term] = array("I", (doc, tf))
            else:
                posting.extend((doc - last[term], tf))
            last[term] = doc
    return postings, lengths


def _script(function: str, *args: object) -> str:
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return f"{function}({body});\n"


def build_offline_index(records: Sequence[SearchRecord], cut: Cut) -> OfflineIndex:
    postings, lengths = _postings(records, cut)
    term_count, posting_count = len(postings), _posting_count(postings)
    files = dict(_files(records, postings, lengths))
    return OfflineIndex(files=files, term_count=term_count, posting_count=posting_count)


def offline_files(records: Sequence[SearchRecord], cut: Cut) -> Iterator[tuple[str, str]]:
    """(site path, JavaScript text) of every offline index file, one at a time, so a
    caller that writes each as it comes holds one file's text, never the whole index."""
    postings, lengths = _postings(records, cut)
    return _files(records, postings, lengths)


def _posting_count(postings: dict[str, array[int]]) -> int:
    return sum(len(p) // 2 for p in postings.values())


def _files(records: Sequence[SearchRecord], postings: dict[str, array[int]],
           lengths: list[int]) -> Iterator[tuple[str, str]]:
    chunks = max(1, min(MAX_TERM_CHUNKS,
                        math.ceil(_posting_count(postings) / TARGET_POSTINGS_PER_CHUNK)))
    facets = _facet_table(records)
    positions = {name: {v: i for i, v in enumerate(vals)} for name, vals in facets.items()}
    yield f"{OFFLINE_DIR}/index.js", _script("baokuOfflineIndex", {
        "format": FORMAT,
        "chunks": chunks,
        "textChunk": TEXT_CHUNK_DOCS,
        "headingWeight": HEADING_WEIGHT,
        "filters": list(FILTER_NAMES),
        "facets": facets,
        "docs": [_doc_row(r, n, positions) for r, n in zip(records, lengths, strict=True)],
    })
    yield from _term_chunk_files(postings, chunks)
    yield from _text_chunk_files(records)


def _term_chunk_files(postings: dict[str, array[int]], chunks: int
                      ) -> Iterator[tuple[str, str]]:
    # Postings are unsigned 32-bit arrays (a quarter of a list's memory), listed per chunk
    # and released once written.
    terms: list[list[str]] = [[] for _ in range(chunks)]
    for term in sorted(postings):
        terms[chunk_of(term, chunks)].append(term)
    for n, names in enumerate(terms):
        table = {t: postings.pop(t).tolist() for t in names}
        yield f"{OFFLINE_DIR}/t{n}.js", _script("baokuOfflineTerms", n, table)


def _text_chunk_files(records: Sequence[SearchRecord]) -> Iterator[tuple[str, str]]:
    for start in range(0, len(records), TEXT_CHUNK_DOCS):
        n = start // TEXT_CHUNK_DOCS
        texts = [f"{r.heading}\n{r.body}" for r in records[start:start + TEXT_CHUNK_DOCS]]
        yield f"{OFFLINE_DIR}/x{n}.js", _script("baokuOfflineText", n, texts)
