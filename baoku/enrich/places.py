"""Place recognition: a national gazetteer, a librarian's place file and suffix patterns."""

from __future__ import annotations

import bisect
import csv
import itertools
import re
import tomllib
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np

from ..cjk import HAN, is_cjk
from ..model import Place, PlaceLevel
from ..read import ReadError, read_small_file
from ..tokenizer import Tokenizer

EntryLevel = Literal["province", "city", "district", "town", "village"]
LEVELS: tuple[PlaceLevel, ...] = ("district", "town", "village")

# Suffixes recognised by pattern for places no file lists; longest first.
TOWN_SUFFIXES = ("街道", "镇", "乡")
VILLAGE_SUFFIXES = ("社区", "村")
SUFFIX_LEVEL: dict[str, PlaceLevel] = {
    **dict.fromkeys(TOWN_SUFFIXES, "town"),
    **dict.fromkeys(VILLAGE_SUFFIXES, "village"),
}
SUFFIX_RE = re.compile("|".join(sorted(SUFFIX_LEVEL, key=len, reverse=True)))
GAZETTEER_CSV = Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "adcodes.csv"
CJK_RE = re.compile(f"[{HAN}]")
MAX_PREFIX = 4  # characters before the suffix in a pattern-recognised name
TAG_WINDOW = 8  # characters tagged before a suffix, so words cut by the window stay whole

# Characters that may stand right before a place name without being part of it.
FUNCTION_CHARS = frozenset("在是由据到与和及对赴为从向于将把被让给至即等同共如像含的了地得着过")
# A pattern name never starts with these (该社区, 全村, 各街道, 每个村 …).
DETERMINER_CHARS = frozenset("该各全本每此这那其两多几某个我你他她它")
# Part-of-speech flags of words that end a name when met walking left from the suffix
# (推进社区, 我们社区, 巡察光华路街道); weak ones only matter right before the suffix.
STOP_POS = frozenset(
    {"v", "vd", "vn", "d", "p", "r", "c", "u", "f", "y", "e", "o", "z", "l", "i",
     "uj", "ul", "uz", "ud", "ug", "uv", "df", "dg", "rr", "rz", "vg", "vi", "vq"}
)
# Numerals stop a name only once it has two characters (五一路 is a name).
SOFT_STOP_POS = frozenset({"m", "mq", "q"})
NUMERAL_RE = re.compile(r"^[0-9０-９一二三四五六七八九十百千万两几多个]+$")
WEAK_POS = frozenset({"a", "ad", "an", "b", "t", "tg", "ag"})
# Common words ending in a place suffix that never name a place.
GENERIC_WORDS = frozenset(
    [
        "故乡", "家乡", "返乡", "回乡", "下乡", "老乡", "城乡", "乡乡",
        "农村", "乡村", "进村", "驻村", "包村", "村村", "整村", "邻村",
        "城镇", "乡镇", "村镇", "小镇", "古镇", "名镇", "重镇", "强镇",
        "集镇", "包镇", "试点镇", "特色小镇", "进社区", "新社区", "老社区",
        "大社区", "小社区", "智慧社区", "熟人社区", "和谐社区", "文明社区",
        "平安社区", "美丽乡村", "文明村", "示范村", "先进村", "重点村", "贫困村",
        "脱贫村", "行政村", "自然村", "新村", "街道", "社区", "镇", "乡", "村"
    ]
)
# Common nouns that, right before a suffix, describe a kind of place rather than name one.
GENERIC_PREFIXES = frozenset(
    [
        "城市", "农村", "城镇", "单位", "分包", "所在", "周边", "附近", "辖区", "基层",
        "全市", "全省", "全国", "示范", "试点", "先进", "重点", "老旧", "各个", "每个",
        "驻地", "当地", "本地", "外地", "相关", "其他", "所有", "部分", "个别", "新建",
    ]
)
# A single-character suffix followed by one of these is part of a longer word (村民, 镇区).
SUFFIX_WORD_CONTINUATIONS = frozenset("民级里干务容貌落庄区长情")
# Words that take a place as their object (热心社区公共事务, 扎根乡村) or are taken for
# nouns by the tagger: met walking left from a suffix, the name ends before them.
NOT_NAME_WORDS = frozenset(
    ["热心", "关心", "爱心", "热爱", "扎根", "融入", "奉献", "情系", "心系", "立足", "面向",
     "聚焦", "助力", "服务", "走进", "深入", "回到", "来到", "居民", "群众", "村民"]
)
# How far past a suffix the tagger looks to see whether the suffix begins a longer word.
SUFFIX_LOOKAHEAD = 4
# Anaphora that point at the district already in context.
DISTRICT_ANAPHORA = ("该区", "全区", "区委", "区里", "我区", "本区", "区政府", "区人大", "区政协")
# Part-of-speech flags of a word that, right before a generic name, makes it a common
# noun phrase (高产示范区, 产业示范区) rather than the place.
MODIFIER_POS = frozenset({"n", "nz", "vn", "an", "b", "ng", "l", "i", "j", "nr"})
# Following characters after a guarded short name that make it part of a longer word.
GUARD_CONTINUATIONS = frozenset("委城级域里长乡镇区")


@dataclass(frozen=True)
class PlaceEntry:
    """A place known from the gazetteer or the librarian's file."""

    name: str
    level: EntryLevel
    parent: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class PlaceBook:
    """Every surface form (name or alias) that names a known place, and the rules around it."""

    surfaces: dict[str, tuple[PlaceEntry, ...]] = field(default_factory=dict)
    guarded: frozenset[str] = frozenset()  # short or generic surfaces needing a clean boundary
    negatives: tuple[str, ...] = ()  # phrases that are never places (小麦高产示范区)
    preferred_cities: tuple[str, ...] = ()  # the archive's own cities, for ambiguous names
    by_name: dict[str, PlaceEntry] = field(default_factory=dict)  # canonical name → entry
    warnings: tuple[str, ...] = ()
    endings: dict[str, tuple[int, ...]] = field(default_factory=dict)  # last char → lengths
    # every surface's last two characters as one number (the first shifted past the 21
    # bits any code point fits in), sorted: a text's character pairs are looked up all at
    # once, so only the few places where some surface could end are visited one by one
    tail_codes: np.ndarray = field(init=False, repr=False, compare=False)
    single_chars: frozenset[str] = field(init=False, repr=False, compare=False)
    # by code point: whether some surface ends in that character (most characters don't)
    ends_surface: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ends_surface = np.zeros(0x110000, dtype=bool)
        ends_surface[np.array([ord(c) for c in self.endings], dtype=np.int64)] = True
        object.__setattr__(self, "ends_surface", ends_surface)
        tails = sorted({(ord(s[-2]) << 21) | ord(s[-1]) for s in self.surfaces if len(s) >= 2})
        object.__setattr__(self, "tail_codes", np.array(tails, dtype=np.uint64))
        object.__setattr__(self, "single_chars",
                           frozenset(s for s in self.surfaces if len(s) == 1))

    def words(self) -> list[str]:
        """Surfaces worth teaching the tokenizer (never split a place name)."""
        return sorted(s for s in self.surfaces if len(s) >= 3)


@dataclass(frozen=True)
class Mention:
    """A place named in a text: its span, and either a known entry or a pattern name."""

    start: int
    end: int
    name: str
    level: EntryLevel
    entry: PlaceEntry | None = None  # None for pattern-recognised places

    @property
    def length(self) -> int:
        return self.end - self.start


# --- loading ---------------------------------------------------------------


def gazetteer_csv() -> Path:
    """The packaged adcode table (from cpca, MIT; see ``data/gazetteer/SOURCE.md``)."""
    return GAZETTEER_CSV


def _entry_from_adcode(code: str, name: str, names: dict[str, str]) -> PlaceEntry | None:
    """Province, city or county row of the 12-digit adcode table."""
    if len(code) < 6 or not name:
        return None
    province, city = code[:2] + "0" * 10, code[:4] + "0" * 8
    if code[2:] == "0" * 10:
        return PlaceEntry(name, "province", None, code[:6])
    if code[4:] == "0" * 8:
        return PlaceEntry(name, "city", names.get(province), code[:6])
    if code[6:] != "0" * 6:
        return None
    parent = names.get(city) or names.get(province)
    return PlaceEntry(name, "district", parent, code[:6])


@cache
def load_gazetteer(path: Path | None = None) -> tuple[PlaceEntry, ...]:
    """Provinces, cities and county-level districts with their adcodes."""
    path = path or gazetteer_csv()
    if not path.is_file():  # a damaged install: places.toml and suffixes still work
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(r["adcode"].strip(), r["name"].strip()) for r in csv.DictReader(handle)]
    names = dict(rows)
    entries = (_entry_from_adcode(code, name, names) for code, name in rows)
    return tuple(sorted((e for e in entries if e), key=lambda e: e.code or ""))


def _usable_gazetteer_name(entry: PlaceEntry) -> bool:
    """Two-character 区 names (城区, 郊区, 矿区 …) are ordinary words; 县 alone is none."""
    if len(entry.name) < 2:
        return False
    return not (entry.level == "district" and len(entry.name) == 2 and entry.name.endswith("区"))


def city_short_forms(entry: PlaceEntry) -> list[str]:
    """平顶山市 is also written 平顶山."""
    forms = [entry.name]
    if entry.level == "city" and entry.name.endswith("市") and len(entry.name) >= 3:
        forms.append(entry.name[:-1])
    return forms


@dataclass(frozen=True)
class LocalPlaces:
    entries: tuple[PlaceEntry, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)  # alias → canonical name
    negatives: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _str_list(value: object) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    return None


def _local_entry(item: object, where: str) -> tuple[PlaceEntry | None, list[str], str | None]:
    """One ``[[place]]`` table → (entry, aliases, warning)."""
    if not isinstance(item, dict):
        return None, [], f"{where}：应当是一个表（[[place]]）"
    name, level = item.get("name"), item.get("level", "district")
    if not isinstance(name, str) or not name.strip():
        return None, [], f"{where}：缺少地名 name"
    if level not in LEVELS:
        return None, [], (f"{where}（{name}）：level 应为 district、town 或 village，"
                          f"而不是 {level!r}")
    parent, code = item.get("parent"), item.get("code")
    if parent is not None and not isinstance(parent, str):
        return None, [], f"{where}（{name}）：parent 应为地名字符串"
    if code is not None and not isinstance(code, str):
        return None, [], f"{where}（{name}）：code 应为字符串"
    aliases = _str_list(item.get("aliases", []))
    if aliases is None:
        return None, [], f"{where}（{name}）：aliases 应为字符串列表"
    unknown = set(item) - {"name", "level", "parent", "code", "aliases"}
    warning = f"{where}（{name}）：忽略未知的字段 {', '.join(sorted(unknown))}" if unknown else None
    entry = PlaceEntry(name.strip(), level, parent.strip() if parent else None, code)
    return entry, aliases, warning


def parse_local_places(text: str, label: str = "places.toml") -> LocalPlaces:
    """Parse a librarian's place file; problems become warnings, never exceptions."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return LocalPlaces(warnings=(f"{label}：无法解析，已忽略整个地名文件（{exc}）",))
    warnings: list[str] = []
    entries: list[PlaceEntry] = []
    aliases: dict[str, str] = {}
    places = table.get("place", [])
    if not isinstance(places, list):
        places = []
        warnings.append(f"{label}：place 应写成 [[place]] 表的列表")
    for index, item in enumerate(places, start=1):
        entry, names, warning = _local_entry(item, f"{label} 第 {index} 个 [[place]]")
        if warning:
            warnings.append(warning)
        if entry:
            entries.append(entry)
            aliases.update(dict.fromkeys(names, entry.name))
    warnings += _parent_cycles(entries, label)
    ignore = table.get("ignore", {})
    negatives = _str_list(ignore.get("words", [])) if isinstance(ignore, dict) else None
    if negatives is None:
        warnings.append(f"{label}：[ignore] 中的 words 应为字符串列表")
        negatives = []
    return LocalPlaces(tuple(entries), aliases, tuple(negatives), tuple(warnings))


def _parent_cycles(entries: Sequence[PlaceEntry], label: str) -> list[str]:
    """A warning for every loop of ``parent`` links (甲 under 乙, 乙 under 甲): such places
    have no district and no city."""
    parents = {e.name: e.parent for e in entries}
    seen: set[frozenset[str]] = set()
    warnings = []
    for start in parents:
        chain = [start]
        node = parents[start]
        while node is not None and node in parents and node not in chain:
            chain.append(node)
            node = parents[node]
        if node is None or node not in chain:
            continue
        loop = chain[chain.index(node):]
        if frozenset(loop) not in seen:
            seen.add(frozenset(loop))
            warnings.append(f"{label}：上级地名（parent）形成了循环：{' → '.join([*loop, node])}，"
                            "这些地名的上级无法确定，请改正")
    return warnings


def load_local_places(path: Path | None) -> LocalPlaces:
    if path is None or not path.is_file():
        return LocalPlaces()
    try:
        text = read_small_file(path, path.name).decode("utf-8-sig")
    except (ReadError, UnicodeDecodeError) as exc:  # too large, a pipe, not UTF-8 …
        reason = str(exc).removeprefix(f"{path.name}：").removesuffix("，已跳过")
        return LocalPlaces(warnings=(f"{path.name}：无法读取地名文件（{reason}）",))
    return parse_local_places(text, path.name)


def build_book(gazetteer: Iterable[PlaceEntry], local: LocalPlaces) -> PlaceBook:
    """Merge the gazetteer and the local file; local names shadow national ones."""
    surfaces: dict[str, list[PlaceEntry]] = {}
    guarded: set[str] = set()
    by_name: dict[str, PlaceEntry] = {}
    for entry in gazetteer:
        if entry.level == "province" or not _usable_gazetteer_name(entry):
            continue
        for form in city_short_forms(entry):
            surfaces.setdefault(form, []).append(entry)
        if len(entry.name) == 2:
            guarded.add(entry.name)
        by_name.setdefault(entry.name, entry)
    # a county name shared by several cities (新华区, 新城区) is also an ordinary name part
    guarded.update(s for s, entries in surfaces.items() if len(entries) > 1)
    local_names = {e.name for e in local.entries}
    for name in local_names:
        surfaces.pop(name, None)
    for entry in local.entries:
        surfaces.setdefault(entry.name, []).append(entry)
        by_name[entry.name] = entry
    for alias, name in local.aliases.items():
        surfaces[alias] = [by_name[name]]
        if len(alias) <= 3:
            guarded.add(alias)
    for entry in local.entries:
        if len(entry.name) <= 3:
            guarded.add(entry.name)
    preferred = _archive_cities(local.entries, by_name)
    endings: dict[str, set[int]] = {}
    for surface in surfaces:
        endings.setdefault(surface[-1], set()).add(len(surface))
    return PlaceBook(
        endings={c: tuple(sorted(n, reverse=True)) for c, n in endings.items()},
        surfaces={k: tuple(v) for k, v in surfaces.items()},
        guarded=frozenset(guarded),
        negatives=local.negatives,
        preferred_cities=preferred,
        by_name=by_name,
        warnings=local.warnings,
    )


def _archive_cities(entries: Iterable[PlaceEntry], by_name: dict[str, PlaceEntry]
                    ) -> tuple[str, ...]:
    """Cities the librarian's places hang under: the archive's home ground."""
    cities: dict[str, None] = {}
    for entry in entries:
        for ancestor in ancestors(entry, by_name):
            if ancestor.level == "city":
                cities[ancestor.name] = None
    return tuple(cities)


def ancestors(entry: PlaceEntry, by_name: dict[str, PlaceEntry]) -> list[PlaceEntry]:
    chain: list[PlaceEntry] = []
    seen = {entry.name}
    parent = entry.parent
    while parent and parent not in seen and parent in by_name:
        seen.add(parent)
        chain.append(by_name[parent])
        parent = by_name[parent].parent
    return chain


# --- finding mentions --------------------------------------------------------


def negative_spans(text: str, negatives: Sequence[str]) -> list[tuple[int, int]]:
    spans = []
    for phrase in negatives:
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(phrase), text))
    return spans


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def _clean_boundary(text: str, start: int, end: int, book: PlaceBook,
                    tokenizer: Tokenizer) -> bool:
    """A guarded surface must not be glued to the words around it (高产示范区, 和县委)."""
    if end - start == 2 and end < len(text) and text[end] in GUARD_CONTINUATIONS:
        return False
    if start == 0 or not CJK_RE.match(text[start - 1]):
        return True
    if text[start - 1] in FUNCTION_CHARS or text[start - 1] in "市省县区":
        return True
    # glued to a place name just before it (平顶山示范区)
    if any(text[max(0, start - n):start] in book.surfaces for n in range(2, 9)):
        return True
    tagged = tokenizer.tag(text[max(0, start - 6):start])
    return not tagged or tagged[-1][1] not in MODIFIER_POS


def known_mentions(text: str, book: PlaceBook, tokenizer: Tokenizer) -> list[Mention]:
    """Gazetteer and local names found in ``text``, longest first, never overlapping."""
    found: list[Mention] = []
    banned = negative_spans(text, book.negatives)
    endings, surfaces = book.endings, book.surfaces  # lengths of the surfaces ending in a char
    for end in _possible_ends(text, book):
        for size in endings[text[end - 1]]:
            if size > end:
                continue
            surface = text[end - size:end]
            entries = surfaces.get(surface)
            if not entries:
                continue
            start = end - size
            if _overlaps(start, end, banned):
                continue
            if surface in book.guarded and not _clean_boundary(text, start, end, book,
                                                               tokenizer):
                continue
            found.append(Mention(start, end, entries[0].name, entries[0].level, entries[0]))
            break
    return _non_overlapping(found)


def _possible_ends(text: str, book: PlaceBook) -> list[int]:
    """Ends (exclusive) of the text's stretches whose last two characters end some
    surface, or whose last character is a one-character surface, in order."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = []
    if len(points) >= 2 and len(book.tail_codes):
        # pairs whose second character ends some surface (one in ten), then their codes
        second = np.flatnonzero(book.ends_surface[points[1:]]) + 1
        pairs = (points[second - 1].astype(np.uint64) << np.uint64(21)) \
            | points[second].astype(np.uint64)
        found = np.searchsorted(book.tail_codes, pairs)
        found[found == len(book.tail_codes)] = 0
        ends = (second[book.tail_codes[found] == pairs] + 1).tolist()
    if book.single_chars:
        singles = [i + 1 for i, ch in enumerate(text) if ch in book.single_chars]
        ends = sorted(set(ends).union(singles))
    return ends


def _non_overlapping(mentions: list[Mention]) -> list[Mention]:
    chosen: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-m.length, m.start)):
        if not any(m.start < c.end and c.start < m.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


def _window_start(text: str, suffix_start: int, previous_end: int) -> int:
    """Leftmost text worth tagging before a suffix: stop at non-CJK text and at the end of
    the place found last before it (``previous_end``, -1 when there is none)."""
    start = max(0, suffix_start - TAG_WINDOW, previous_end)
    for i in range(suffix_start - 1, start - 1, -1):
        if not is_cjk(text[i]):
            return i + 1
    return start


def _stops_name(word: str, flag: str, prefix: str, after_place: bool) -> bool:
    """Whether ``word`` (left of ``prefix``) ends the name instead of belonging to it."""
    if len(word) == 1 and (word in FUNCTION_CHARS or word in DETERMINER_CHARS):
        return True
    if word in NOT_NAME_WORDS:
        return True
    if flag in STOP_POS:
        # a lone verb or adverb right before the suffix (助乡, 不出社区) stops too
        return len(word) > 1 or len(prefix) >= 2 or not prefix
    if flag in SOFT_STOP_POS:
        return len(prefix) >= 2
    if flag in WEAK_POS and not prefix:
        return not after_place  # 幸福村 right after 湛阳镇 is a name; 现代社区 alone is not
    return False


def _name_prefix(window: str, tokenizer: Tokenizer, after_place: bool) -> str:
    """The tail of ``window`` that reads as a proper name (湖滨路 in 近日，湖滨路)."""
    tagged = tokenizer.tag(window)
    if tagged and tagged[-1][0] in GENERIC_PREFIXES:
        return ""  # 城市社区, 企事业单位社区: a kind of place, not a name
    prefix = ""
    for word, flag in reversed(tagged):
        if _stops_name(word, flag, prefix, after_place and word + prefix == window):
            break
        if len(prefix) + len(word) > MAX_PREFIX:
            break
        prefix = word + prefix
    if prefix and len(prefix) == MAX_PREFIX and tagged and tagged[-1][0] == prefix:
        return ""  # a four-character dictionary word is an idiom, not a name
    while len(prefix) > 2 and prefix[0] in FUNCTION_CHARS:
        prefix = prefix[1:]  # jieba glued a preposition on (如辛北)
    return prefix


@cache
def _generic_words_longer_than(length: int) -> tuple[str, ...]:
    return tuple(sorted(g for g in GENERIC_WORDS if len(g) > length))


def _pattern_candidate(text: str, match: re.Match[str], previous_end: int,
                       place_ends: Collection[int], tokenizer: Tokenizer) -> Mention | None:
    """A name ending in the suffix ``match`` found; ``previous_end``: where the place found
    last before it ends (-1: none), ``place_ends``: where every place found so far ends."""
    suffix, s_start, s_end = match.group(), match.start(), match.end()
    if len(suffix) == 1 and s_end < len(text) and text[s_end] in SUFFIX_WORD_CONTINUATIONS:
        return None
    if s_end < len(text) and text[s_end] in "”\"’』」":
        return None  # a quoted coinage (“熟人社区”), not an address
    if text.endswith(_generic_words_longer_than(len(suffix)), 0, s_end):
        return None  # 驻村, 返乡, 美丽乡村 …
    if _suffix_starts_a_word(text, s_start, s_end, tokenizer):
        return None  # 镇压, 乡愁: the suffix is the start of another word
    w_start = _window_start(text, s_start, previous_end)
    after_place = w_start in place_ends
    prefix = _name_prefix(text[w_start:s_start], tokenizer, after_place)
    if len(prefix) < 2 or prefix[0] in DETERMINER_CHARS or prefix in GENERIC_PREFIXES:
        return None
    if NUMERAL_RE.match(prefix):
        return None
    return Mention(s_start - len(prefix), s_end, prefix + suffix, SUFFIX_LEVEL[suffix])


def _suffix_starts_a_word(text: str, s_start: int, s_end: int, tokenizer: Tokenizer) -> bool:
    """Whether the tagger reads the suffix as the start of a verb or adjective that runs
    on past it (因苗适墒镇压保苗: 镇压, not a town 因苗适墒镇); nouns such as 镇政府 or
    社区居委会 still follow a name."""
    if s_end >= len(text):
        return False
    position = max(0, s_start - 1)
    for word, flag in tokenizer.tag(text[position:s_end + SUFFIX_LOOKAHEAD]):
        end = position + len(word)
        if end >= s_end:
            return end > s_end and s_start <= position < s_end \
                and (flag in STOP_POS or flag in WEAK_POS)
        position = end
    return False


def pattern_mentions(text: str, known: Sequence[Mention], tokenizer: Tokenizer
                     ) -> list[Mention]:
    """Streets, towns, communities and villages no file lists, recognised by suffix."""
    # Never overlapping, so sorted by start they are sorted by end too: the place found
    # last before a position is the one that ends last before it.
    taken = sorted(known, key=lambda m: m.start)
    starts = [m.start for m in taken]
    ends = {m.end for m in taken}
    found: list[Mention] = []
    for match in SUFFIX_RE.finditer(text):
        before = bisect.bisect_right(starts, match.start()) - 1
        if before >= 0 and match.start() < taken[before].end:
            continue  # inside a place already found
        previous_end = taken[before].end if before >= 0 else -1
        mention = _pattern_candidate(text, match, previous_end, ends, tokenizer)
        if mention is None:
            continue
        at = bisect.bisect_left(starts, mention.end)  # taken[at - 1]: last to start before
        if at and taken[at - 1].end > mention.start:
            continue  # overlaps a place already found
        taken.insert(at, mention)
        starts.insert(at, mention.start)
        ends.add(mention.end)
        found.append(mention)
    return found


def find_mentions(text: str, book: PlaceBook, tokenizer: Tokenizer) -> list[Mention]:
    known = known_mentions(text, book, tokenizer)
    return sorted(known + pattern_mentions(text, known, tokenizer), key=lambda m: m.start)


# --- resolving an issue ------------------------------------------------------


@dataclass(frozen=True)
class IssueContext:
    """What the whole issue says: its cities, dominant district, learned parents."""

    cities: tuple[str, ...] = ()
    dominant_district: PlaceEntry | None = None
    parents: dict[str, str] = field(default_factory=dict)  # pattern place → enclosing place


def choose_entry(surface: str, book: PlaceBook, cities: Sequence[str]) -> PlaceEntry:
    """An ambiguous county name (新华区) goes to the city in context, else the archive's own."""
    entries = book.surfaces[surface]
    if len(entries) == 1:
        return entries[0]
    for city in (*cities, *book.preferred_cities):
        for entry in entries:
            if entry.parent == city:
                return entry
    return entries[0]


def _surface(text: str, m: Mention) -> str:
    return text[m.start:m.end]


def mention_cities(text: str, mentions: Sequence[Mention], book: PlaceBook) -> list[str]:
    """Cities named outright, then the cities of unambiguous districts."""
    named = [m.name for m in mentions if m.level == "city"]
    implied = [
        book.surfaces[_surface(text, m)][0].parent
        for m in mentions
        if m.entry and m.level == "district" and len(book.surfaces[_surface(text, m)]) == 1
    ]
    return list(dict.fromkeys(c for c in named + implied if c))


def learn_parents(text: str, mentions: Sequence[Mention]) -> dict[str, str]:
    """A place written right after a bigger one belongs to it (示范区湖滨路街道)."""
    rank = {"district": 1, "town": 2, "village": 3}
    parents: dict[str, str] = {}
    for before, after in itertools.pairwise(mentions):
        adjacent = after.entry is None and before.end == after.start
        if adjacent and before.level in LEVELS and rank[before.level] < rank[after.level]:
            parents.setdefault(after.name, before.name)
    return parents


def sole_district_parents(text: str, mentions: Sequence[Mention], book: PlaceBook,
                          cities: Sequence[str]) -> dict[str, str]:
    """In an article naming exactly one district, its unlisted towns belong to it."""
    districts = {choose_entry(_surface(text, m), book, cities).name
                 for m in mentions if m.entry and m.level == "district"}
    if len(districts) != 1:
        return {}
    district = districts.pop()
    return {m.name: district for m in mentions if m.entry is None and m.level == "town"}


def issue_context(texts: Sequence[str], mentions: Sequence[Sequence[Mention]],
                  book: PlaceBook) -> IssueContext:
    cities: list[str] = []
    parents: dict[str, str] = {}
    for text, found in zip(texts, mentions, strict=True):
        cities.extend(mention_cities(text, found, book))
        for child, parent in learn_parents(text, found).items():
            parents.setdefault(child, parent)
    city_order = tuple(dict.fromkeys(cities))
    for text, found in zip(texts, mentions, strict=True):
        for child, parent in sole_district_parents(text, found, book, city_order).items():
            parents.setdefault(child, parent)
    districts: Counter[str] = Counter()
    first: dict[str, PlaceEntry] = {}
    for text, found in zip(texts, mentions, strict=True):
        seen = set()
        for m in found:
            if m.entry and m.level == "district":
                entry = choose_entry(_surface(text, m), book, city_order)
                seen.add(entry.name)
                first.setdefault(entry.name, entry)
        districts.update(seen)
    dominant = first[districts.most_common(1)[0][0]] if districts else None
    return IssueContext(city_order, dominant, parents)


def _district_of(name: str, parents: dict[str, str], book: PlaceBook,
                 local_districts: dict[str, PlaceEntry]) -> PlaceEntry | None:
    """Walk up the known and learned parents until a district."""
    seen: set[str] = set()
    while name and name not in seen:
        seen.add(name)
        if name in local_districts:
            return local_districts[name]
        entry = book.by_name.get(name)
        if entry and entry.level == "district":
            return entry
        name = (entry.parent if entry and entry.parent else parents.get(name)) or ""
    return None


def article_places(text: str, mentions: Sequence[Mention], book: PlaceBook,
                   context: IssueContext) -> tuple[Place, ...]:
    """Districts, then towns, then villages, each in order of first mention, with parents."""
    cities = tuple(dict.fromkeys((*mention_cities(text, mentions, book), *context.cities)))
    parents = {**context.parents, **learn_parents(text, mentions)}
    districts: dict[str, PlaceEntry] = {}
    lower: dict[str, Place] = {}
    last_town: str | None = None
    for m in mentions:
        if m.level == "city":
            continue
        if m.entry:
            entry = choose_entry(_surface(text, m), book, cities)
            if entry.level == "district":
                districts.setdefault(entry.name, entry)
            else:
                lower.setdefault(entry.name, Place(entry.name, entry.level, entry.parent,
                                                   entry.code))
            if entry.level == "town":
                last_town = entry.name
            continue
        parent = parents.get(m.name)
        if parent is None and m.level == "village":
            parent = last_town
        lower.setdefault(m.name, Place(m.name, m.level, parent))
        if m.level == "town":
            last_town = m.name
    for place in list(lower.values()):
        district = _district_of(place.name, parents, book, districts)
        if district:
            districts.setdefault(district.name, district)
    if not districts and context.dominant_district and mentions_anaphora(text):
        districts[context.dominant_district.name] = context.dominant_district
    lower = {name: _with_district_parent(p, districts) for name, p in lower.items()}
    return (
        *(Place(e.name, "district", e.parent, e.code) for e in districts.values()),
        *sorted(lower.values(), key=lambda p: 0 if p.level == "town" else 1),
    )


def _with_district_parent(place: Place, districts: dict[str, PlaceEntry]) -> Place:
    """A town without a known parent, in an article about one district, belongs to it."""
    if place.parent is None and place.level == "town" and len(districts) == 1:
        return Place(place.name, place.level, next(iter(districts)), place.code)
    return place


def mentions_anaphora(text: str) -> bool:
    return any(word in text for word in DISTRICT_ANAPHORA)
