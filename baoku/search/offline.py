"""The offline (file://) index: plain script files that register themselves with search.js.

Terms are jieba ``cut_for_search`` words plus CJK character unigrams and bigrams, so a
browser without jieba can segment any query into bigrams and still meet the index.
Postings are ``[doc delta, weighted tf, …]``, split into chunks by the first character
of the term; article texts (for excerpts) ship in separate chunks loaded on demand.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import orjson

from ..atomic import load_pickle, save_pickle
from ..nfkc import nfkc
from .codepoints import CJK_CLASS, QUOTE_CHARS, QUOTE_CLASS, character_classes, joined_code_points
from .pagefind import FILTER_NAMES, UNDATED_LABEL
from .records import SearchRecord

OFFLINE_DIR = "search-offline"
FORMAT = 1
HEADING_WEIGHT = 4  # a heading occurrence counts as this many body occurrences
TEXT_CHUNK_DOCS = 100
TARGET_POSTINGS_PER_CHUNK = 40_000
MAX_TERM_CHUNKS = 256

# Quotes and brackets are dropped before bigrams, so “五星”支部 also yields 星支.
_QUOTES = re.compile("[" + re.escape(QUOTE_CHARS) + "]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")
_CJK_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{3,}$")
_WORD_SEPARATOR = "\n"
_CJK_WORDS = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{3,}$", re.MULTILINE)

Cut = Callable[[str], list[str]]


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII) and lower case; the JS does the same."""
    return nfkc(text).lower()


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


def term_counts(record: SearchRecord, cut: Cut) -> Counter[str]:
    """Weighted term frequencies of one article: heading terms count ``HEADING_WEIGHT``
    times; every term of the heading and the body counts at least once."""
    counts = _normalized_term_counts(normalize(record.body), cut)
    for term, n in _normalized_term_counts(normalize(record.heading), cut).items():
        counts[term] += n * HEADING_WEIGHT
    return counts


def _normalized_term_counts(text: str, cut: Cut) -> Counter[str]:
    """``Counter(gram_terms(text) + word_terms(text, cut))`` for normalised ``text``."""
    counts = Counter(_normalized_gram_terms(text))
    counts.update(_CJK_WORDS.findall(_WORD_SEPARATOR.join(cut(text))))
    return counts


# CJK unigrams and bigrams as integers: a character's code point, or a pair's two code
# points packed above _BIGRAM. The vocabulary holds these integers and the other terms
# (ASCII tokens, words of three or more characters) as strings; they never collide.
_CODE_BITS = 21
_BIGRAM = 1 << (2 * _CODE_BITS)


def _string_term_counts(text: str, cut: Cut) -> Counter[str]:
    """The terms of normalised ``text`` that are not CJK unigrams or bigrams."""
    counts = Counter(_ASCII_TOKEN.findall(_QUOTES.sub("", text)))
    # Words cut from normalised text need no second pass; joined, one regex scan keeps
    # those of three or more CJK characters.
    counts.update(_CJK_WORDS.findall(_WORD_SEPARATOR.join(cut(text))))
    return counts


COUNT_BLOCK_DOCS = 2000  # articles counted at once; bounds the arrays' memory
_DOC_SHIFT = 43  # a document's number sits above its gram code (codes < 2**43)


def _block_gram_counts(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted counts of the CJK unigrams and bigrams of normalised (heading, body)
    pairs: parallel arrays of document number, gram code and count, by document then
    code. A heading's grams count ``HEADING_WEIGHT`` times."""
    points, lengths = joined_code_points(texts)
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[:len(points)]
    classes = character_classes()[points]
    kept = classes != QUOTE_CLASS
    points, text_of = points[kept].astype(np.int64), text_of[kept]
    cjk = classes[kept] == CJK_CLASS
    pairs = cjk[:-1] & cjk[1:]
    codes = np.concatenate([points[cjk], _BIGRAM + ((points[:-1][pairs] << _CODE_BITS)
                                                    | points[1:][pairs])])
    owner = np.concatenate([text_of[cjk], text_of[:-1][pairs]])
    weights = np.where(owner % 2 == 0, HEADING_WEIGHT, 1)
    keys, which = np.unique(((owner // 2) << _DOC_SHIFT) | codes, return_inverse=True)
    counts = np.bincount(which, weights=weights, minlength=len(keys)).astype(np.uint32)
    return keys >> _DOC_SHIFT, keys & ((1 << _DOC_SHIFT) - 1), counts


def _gram_of_code(code: int) -> str:
    if code < _BIGRAM:
        return chr(code)
    pair = code - _BIGRAM
    return chr(pair >> _CODE_BITS) + chr(pair & ((1 << _CODE_BITS) - 1))


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


class SearchCache:
    """Every article's term counts, keyed by a digest of its heading and body.

    Kept between builds (watch mode), so an update re-tokenises only new or edited
    articles. Terms are stored once, as ids into one vocabulary, so a cached article
    costs two small integer arrays. Counts depend on the tokenizer's dictionary: pass
    its state as ``dictionary`` and the cache empties itself when that changes.
    """

    def __init__(self) -> None:
        self.terms: list[str] = []  # term id -> term
        self._vocab = _Vocabulary(self.terms)
        self._docs: dict[bytes, DocTerms] = {}
        self._dictionary: object = None
        self.counted = 0  # articles tokenised by the last ``doc_terms`` call

    def __len__(self) -> int:
        return len(self._docs)

    def doc_terms(self, records: Sequence[SearchRecord], cut: Cut,
                  dictionary: object = None) -> list[DocTerms]:
        """Term counts of ``records`` in order, from the cache or counted now; articles
        not among ``records`` (deleted or edited since) are forgotten."""
        if dictionary != self._dictionary:
            self._docs = {}
            self._dictionary = dictionary
        previous, self._docs = self._docs, {}
        keys = [record_key(record) for record in records]
        missing = {key: record for key, record in zip(keys, records, strict=True)
                   if key not in previous}
        fresh = self._count_all(missing, cut)
        self.counted = len(missing)
        out = []
        for key in keys:
            doc = fresh.get(key) or previous[key]
            self._docs[key] = doc
            out.append(doc)
        return out

    def _count_all(self, records: dict[bytes, SearchRecord], cut: Cut
                   ) -> dict[bytes, DocTerms]:
        """Term counts of ``records`` (by ``record_key``), a block at a time."""
        keys, found = list(records), {}
        for start in range(0, len(keys), COUNT_BLOCK_DOCS):
            block = keys[start:start + COUNT_BLOCK_DOCS]
            counted = self._count_block([records[key] for key in block], cut)
            found.update(zip(block, counted, strict=True))
        return found

    def _count_block(self, records: Sequence[SearchRecord], cut: Cut) -> list[DocTerms]:
        """``term_counts(record, cut)`` of each record as term ids. CJK unigrams and
        bigrams, most of the terms, are counted for the whole block at once as integer
        codes with numpy, and only codes new to the vocabulary ever become strings."""
        texts = [normalize(t) for r in records for t in (r.heading, r.body)]
        docs, codes, tfs = _block_gram_counts(texts)
        lookup = self._vocab.__getitem__
        distinct, which = np.unique(codes, return_inverse=True)
        gram_ids = np.fromiter(map(lookup, distinct.tolist()), dtype=np.uint32,
                               count=len(distinct))[which]
        bounds = np.searchsorted(docs, np.arange(len(records) + 1)).tolist()
        out = []
        for n in range(len(records)):
            heading, body = texts[2 * n], texts[2 * n + 1]
            words = _string_term_counts(body, cut)
            for term, count in _string_term_counts(heading, cut).items():
                words[term] += count * HEADING_WEIGHT
            ids = array("I", gram_ids[bounds[n]:bounds[n + 1]].tobytes())
            ids.extend(map(lookup, words))
            counts = array("I", tfs[bounds[n]:bounds[n + 1]].tobytes())
            counts.extend(words.values())
            out.append(DocTerms(ids, counts, sum(counts)))
        return out


    def compacted(self) -> SearchCache:
        """The same cache without the terms no kept article uses (they pile up as
        articles are edited or removed), term ids renumbered in the same order."""
        used = np.zeros(len(self.terms), dtype=bool)
        for doc in self._docs.values():
            used[np.frombuffer(doc.ids, dtype=np.uint32)] = True
        if used.all():
            return self
        renumber = (np.cumsum(used) - 1).astype(np.uint32)
        fresh = SearchCache()
        fresh._dictionary = self._dictionary
        fresh.terms.extend(self.terms[i] for i in np.flatnonzero(used).tolist())
        for term, number in self._vocab.items():
            if used[number]:
                dict.__setitem__(fresh._vocab, term, int(renumber[number]))
        for key, doc in self._docs.items():
            ids = renumber[np.frombuffer(doc.ids, dtype=np.uint32)]
            fresh._docs[key] = DocTerms(array("I", ids.tobytes()), doc.tfs, doc.length)
        return fresh


TERM_CACHE_FORMAT = 1


def load_term_cache(path: Path, stamp: str) -> SearchCache:
    """The term counts a previous build saved with ``save_term_cache`` under the same
    ``stamp`` (the code that counts them); an empty cache otherwise."""
    stored = load_pickle(path)
    if (isinstance(stored, dict) and stored.get("format") == TERM_CACHE_FORMAT
            and stored.get("stamp") == stamp and isinstance(stored.get("cache"), SearchCache)):
        return stored["cache"]
    return SearchCache()


def save_term_cache(cache: SearchCache, path: Path, stamp: str) -> None:
    """Keep ``cache`` (its articles are those of the last ``doc_terms`` call) for the next
    process; written through a temporary file, and skipped if the disk refuses."""
    save_pickle(path, {"format": TERM_CACHE_FORMAT, "stamp": stamp, "cache": cache.compacted()})


class _Vocabulary(dict[str, int]):
    """Term -> id; a term not seen before gets the next id and is appended to ``terms``."""

    def __init__(self, terms: list[str]) -> None:
        super().__init__()
        self.terms = terms

    def __missing__(self, term: str | int) -> int:
        self[term] = number = len(self.terms)
        self.terms.append(term if isinstance(term, str) else _gram_of_code(term))
        return number


@dataclass(frozen=True)
class DocTerms:
    """One article's weighted term frequencies as parallel arrays of term ids and counts."""

    ids: array[int]
    tfs: array[int]
    length: int


def record_key(record: SearchRecord) -> bytes:
    """What an article's term counts depend on: its heading and body."""
    digest = hashlib.blake2b(record.heading.encode("utf-8"), digest_size=16)
    digest.update(b"\0")
    digest.update(record.body.encode("utf-8"))
    return digest.digest()


def _script(function: str, *args: object) -> str:
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return f"{function}({body});\n"


def _terms_script(n: int, table: dict[str, np.ndarray]) -> str:
    """``_script("baokuOfflineTerms", n, table)`` with the postings as arrays.

    orjson writes the integers ~5x faster than ``json``; for these tables its text is
    the same: terms hold only CJK characters and ``[a-z0-9.]``, which neither escapes.
    """
    body = orjson.dumps(table, option=orjson.OPT_SERIALIZE_NUMPY).decode("utf-8")
    return f"baokuOfflineTerms({n},{body});\n"


def build_offline_index(records: Sequence[SearchRecord], cut: Cut) -> OfflineIndex:
    docs = SearchCache()
    files = dict(offline_files(records, cut, docs))
    term_count = len(docs.terms)
    posting_count = sum(len(d.ids) for d in docs.doc_terms(records, cut))
    return OfflineIndex(files=files, term_count=term_count, posting_count=posting_count)


def offline_files(records: Sequence[SearchRecord], cut: Cut, cache: SearchCache | None = None,
                  dictionary: object = None) -> Iterator[tuple[str, str]]:
    """(site path, JavaScript text) of every offline index file, one at a time, so a
    caller that writes each as it comes holds one file's text, never the whole index.

    ``cache`` supplies the term counts of articles it has seen and keeps the new ones.
    """
    cache = cache if cache is not None else SearchCache()
    docs = cache.doc_terms(records, cut, dictionary)
    return _files(records, docs, cache.terms)


def chunk_count(posting_count: int) -> int:
    return max(1, min(MAX_TERM_CHUNKS, math.ceil(posting_count / TARGET_POSTINGS_PER_CHUNK)))


def _files(records: Sequence[SearchRecord], docs: Sequence[DocTerms], terms: list[str]
           ) -> Iterator[tuple[str, str]]:
    chunks = chunk_count(sum(len(d.ids) for d in docs))
    facets = _facet_table(records)
    positions = {name: {v: i for i, v in enumerate(vals)} for name, vals in facets.items()}
    yield f"{OFFLINE_DIR}/index.js", _script("baokuOfflineIndex", {
        "format": FORMAT,
        "chunks": chunks,
        "textChunk": TEXT_CHUNK_DOCS,
        "headingWeight": HEADING_WEIGHT,
        "filters": list(FILTER_NAMES),
        "facets": facets,
        "docs": [_doc_row(r, d.length, positions) for r, d in zip(records, docs, strict=True)],
    })
    yield from _term_chunk_files(docs, terms, chunks)
    yield from _text_chunk_files(records)


def _concat(parts: Sequence[array[int]]) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype=np.uint32)
    return np.concatenate([np.frombuffer(p, dtype=np.uint32) for p in parts])


def _term_chunk_files(docs: Sequence[DocTerms], terms: list[str], chunks: int
                      ) -> Iterator[tuple[str, str]]:
    """``t<n>.js``: chunk ``n``'s terms, sorted, each with ``[doc delta, tf, …]``.

    Every (term, document) pair is grouped with numpy rather than in a dict of growing
    lists: a term's place in the output (chunk, then term) is the pairs' sort key, so
    every chunk is one slice. Chunks are laid out a block at a time to bound memory.
    """
    doc_of = np.repeat(np.arange(len(docs), dtype=np.uint32), [len(d.ids) for d in docs])
    ids = _concat([d.ids for d in docs])
    present = np.zeros(len(terms), dtype=bool)
    present[ids] = True
    ordered = np.flatnonzero(present).tolist()
    ordered.sort(key=lambda i: (chunk_of(terms[i], chunks), terms[i]))
    place = np.zeros(len(terms), dtype=np.uint32)
    place[ordered] = np.arange(len(ordered), dtype=np.uint32)
    pair_place = place[ids]
    del ids, present, place
    tfs = _concat([d.tfs for d in docs])
    chunk_starts = _chunk_starts([chunk_of(terms[i], chunks) for i in ordered], chunks)
    offsets = np.zeros(len(ordered) + 1, dtype=np.int64)
    np.cumsum(np.bincount(pair_place, minlength=len(ordered)), out=offsets[1:])
    for first, last in _blocks(chunk_starts, offsets):
        lo, hi = chunk_starts[first], chunk_starts[last]
        selected = np.flatnonzero((pair_place >= lo) & (pair_place < hi))
        order = selected[_stable_argsort(pair_place[selected], lo, hi)]
        del selected
        flat = _interleave(doc_of[order].astype(np.int64), tfs[order],
                           offsets[lo:hi] - offsets[lo])
        del order
        base = offsets[lo]
        for n in range(first, last):
            a, b = chunk_starts[n], chunk_starts[n + 1]
            bounds = ((offsets[a: b + 1] - base) * 2).tolist()
            table = dict(zip((terms[i] for i in ordered[a:b]),
                             (flat[s:e] for s, e in pairwise(bounds)),
                             strict=True))
            yield f"{OFFLINE_DIR}/t{n}.js", _terms_script(n, table)


MAX_BLOCK_PAIRS = 2_000_000  # pairs sorted at once; bounds the sort's memory
RADIX_KEYS = 1 << 16  # distinct sort keys that fit numpy's 16-bit radix sort


def _chunk_starts(chunk_of_place: list[int], chunks: int) -> list[int]:
    """``starts[n]``: the place of chunk ``n``'s first term; ``starts[chunks]``: the end."""
    counts = np.bincount(np.asarray(chunk_of_place, dtype=np.int64), minlength=chunks)
    starts = np.zeros(chunks + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return starts.tolist()


def _blocks(chunk_starts: list[int], offsets: np.ndarray) -> Iterator[tuple[int, int]]:
    """Consecutive chunk ranges ``[first, last)`` of at most ``MAX_BLOCK_PAIRS`` pairs
    (a bigger chunk alone)."""
    chunks = len(chunk_starts) - 1
    first = 0
    while first < chunks:
        last = first + 1
        limit = offsets[chunk_starts[first]] + MAX_BLOCK_PAIRS
        while last < chunks and offsets[chunk_starts[last + 1]] <= limit:
            last += 1
        yield first, last
        first = last


def _stable_argsort(keys: np.ndarray, lo: int, hi: int) -> np.ndarray:
    # numpy's stable sort is a radix sort for 16-bit keys, several times faster than
    # its merge sort of 32-bit ones; keys of a block usually span fewer than 65,536 terms.
    if hi - lo <= RADIX_KEYS:
        return np.argsort((keys - lo).astype(np.uint16), kind="stable")
    return np.argsort(keys, kind="stable")


def _interleave(docs: np.ndarray, tfs: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``[doc delta, tf, …]`` of consecutive term groups beginning at ``starts``: the
    first document of a group is absolute, the others are gaps to the previous one."""
    deltas = docs.copy()
    deltas[1:] -= docs[:-1]
    deltas[starts[starts < len(docs)]] = docs[starts[starts < len(docs)]]
    flat = np.empty(2 * len(docs), dtype=np.int64)
    flat[0::2] = deltas
    flat[1::2] = tfs
    return flat


def _text_chunk_files(records: Sequence[SearchRecord]) -> Iterator[tuple[str, str]]:
    for start in range(0, len(records), TEXT_CHUNK_DOCS):
        n = start // TEXT_CHUNK_DOCS
        texts = [f"{r.heading}\n{r.body}" for r in records[start:start + TEXT_CHUNK_DOCS]]
        yield f"{OFFLINE_DIR}/x{n}.js", _script("baokuOfflineText", n, texts)
