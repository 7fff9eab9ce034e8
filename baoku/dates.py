"""Issue dates: parsing declared values, reading file names, inferring from the text."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .model import DateSource, IssueDate
from .nfkc import nfkc

_MIN_YEAR, _MAX_YEAR = 1840, 2099
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_WEEKDAYS = "一二三四五六日"


def _valid(year: int, month: int | None = None, day: int | None = None) -> bool:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return False
    if month is None:
        return True
    if day is None:
        return 1 <= month <= 12
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def make_date(year: int, month: int | None, day: int | None,
              source: DateSource) -> IssueDate | None:
    """An IssueDate of the precision the parts allow, or None when they are not a real date."""
    if not _valid(year, month, day):
        return None
    if month is None:
        return IssueDate(f"{year:04d}", "year", source)
    if day is None:
        return IssueDate(f"{year:04d}-{month:02d}", "month", source)
    return IssueDate(f"{year:04d}-{month:02d}-{day:02d}", "day", source)


_DECLARED = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?|(\d{4})(\d\d)(\d\d)")
_DECLARED_CN = re.compile(r"(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?")


def parse_declared(value: object, source: DateSource) -> IssueDate | None:
    """A date written by a librarian (front matter, sidecar): YYYY-MM-DD, YYYY-MM, YYYY,
    a YAML/TOML date, or 2023年8月25日. None when it is not a valid date."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return make_date(value.year, value.month, value.day, source)
    if isinstance(value, int) and not isinstance(value, bool):
        if 10_000_000 <= value <= 99_999_999:  # 20230825, unquoted in YAML/TOML
            return make_date(value // 10_000, value // 100 % 100, value % 100, source)
        return make_date(value, None, None, source)
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    match = _DECLARED.fullmatch(text) or _DECLARED_CN.fullmatch(text)
    if not match:
        return None
    parts = [int(g) for g in match.groups() if g]
    year, month, day = [*parts, None, None][:3]
    assert year is not None
    return make_date(year, month, day, source)


# File names: the date must stand apart from other letters and digits, so that hex
# hashes (``000_711755368b4ee13f``) and long numbers never look like dates.
_SEP = r"[-_.\s]"
_NAME_PATTERNS = (
    re.compile(rf"(?<![0-9A-Za-z])((?:19|20)\d\d){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})(?![0-9])"),
    re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d\d)(\d\d)(\d\d)(?![0-9A-Za-z])"),
    re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月(?!\s*\d)"),
    re.compile(rf"(?<![0-9A-Za-z])((?:19|20)\d\d){_SEP}(\d\d)(?![0-9A-Za-z]|{_SEP}\d)"),
)


def date_from_filename(name: str) -> IssueDate | None:
    """The date in a file name (``2023-08-25-…``, ``20230825``, ``2023_08_25``,
    ``2023年8月25日``, ``2023-08``), or None. Invalid calendar dates are ignored."""
    stem = unicodedata.normalize("NFKC", name)
    for pattern in _NAME_PATTERNS:
        for match in pattern.finditer(stem):
            parts = [int(g) for g in match.groups()]
            found = make_date(parts[0], *(parts[1:] + [None] * (3 - len(parts))),
                              source="filename")
            if found:
                return found
    return None


_EDITION_CN = re.compile(r"第\s*([0-9]{1,3}|[一二三四五六七八九十]{1,3})\s*版")
_EDITION_CODE = re.compile(r"(?<![0-9A-Za-z])([A-H])0?([1-9][0-9]?)(?:版)?(?![0-9A-Za-z])")


def edition_from_filename(name: str) -> str | None:
    """The edition (版次) in a file name: ``第3版``/``第三版`` → "第3版", ``_A3`` → "A3"."""
    stem = unicodedata.normalize("NFKC", name)
    match = _EDITION_CN.search(stem)
    if match:
        number = _cn_number(match[1])
        return f"第{number}版" if number else None
    match = _EDITION_CODE.search(stem)
    return f"{match[1]}{match[2]}" if match else None


# --- inference from the text -------------------------------------------------------------

@dataclass(frozen=True, order=True)
class YearMonth:
    year: int
    month: int


@dataclass(frozen=True)
class Clue:
    """Evidence that the issue cannot be older than ``bound``; ``label`` is shown to people."""

    bound: YearMonth
    label: str
    stated: bool  # a year written in the text (True) or a national event (False)


@dataclass(frozen=True)
class Inference:
    date: IssueDate
    reason: str  # Simplified Chinese


# Well-known national events: an article that mentions one was printed after it began.
_EVENTS: tuple[tuple[re.Pattern[str], YearMonth], ...] = (
    (re.compile(r"党的十九大|十九大(?:精神|报告|代表)"), YearMonth(2017, 10)),
    (re.compile(r"党的二十大|二十大(?:精神|报告|代表)"), YearMonth(2022, 10)),
    (re.compile(r"十九届一中全会"), YearMonth(2017, 10)),
    (re.compile(r"十九届二中全会"), YearMonth(2018, 1)),
    (re.compile(r"十九届三中全会"), YearMonth(2018, 2)),
    (re.compile(r"十九届四中全会"), YearMonth(2019, 10)),
    (re.compile(r"十九届五中全会"), YearMonth(2020, 10)),
    (re.compile(r"十九届六中全会"), YearMonth(2021, 11)),
    (re.compile(r"二十届一中全会"), YearMonth(2022, 10)),
    (re.compile(r"二十届二中全会"), YearMonth(2023, 2)),
    (re.compile(r"二十届三中全会"), YearMonth(2024, 7)),
    (re.compile(r"二十届四中全会"), YearMonth(2025, 10)),
    (re.compile(r"党史学习教育"), YearMonth(2021, 2)),
    (re.compile(r"学习贯彻习近平新时代中国特色社会主义思想主题教育"), YearMonth(2023, 4)),
    (re.compile(r"党纪学习教育"), YearMonth(2024, 4)),
    (re.compile(r"中国式现代化"), YearMonth(2021, 7)),
    (re.compile(r"“两个确立”"), YearMonth(2021, 11)),
    (re.compile(r"新质生产力"), YearMonth(2023, 9)),
    (re.compile(r"“双减”"), YearMonth(2021, 7)),
    (re.compile(r"新冠(?:肺炎|病毒|疫情)"), YearMonth(2020, 1)),
    (re.compile(r"乙类乙管"), YearMonth(2022, 12)),
)

_NUM = r"[0-9〇零一二三四五六七八九十]{1,3}"
# A bare "M月D日": not part of "2023年8月25日" (that names its own year) nor of a longer number.
_MONTH_DAY = re.compile(rf"(?<![0-9〇零一二三四五六七八九十])({_NUM})月({_NUM})[日号]")
# "2023年8月5日", "去年8月5日" name another year; "今年8月5日" is this one.
_OTHER_YEAR_BEFORE = re.compile(r"(?:[0-9〇零一二三四五六七八九十]|去|前|明|后|上|下)年\s*$")
# Plans and deadlines ("将于9月1日", "8月31日前") lie after the issue date.
_PLANNED_BEFORE = re.compile(r"(?:将于|将在|定于|拟于|预计|计划|力争|有望)\s*$")
_DEADLINE_AFTER = re.compile(r"\s*(?:前|之前|以前)")
# "2023年", "2023暑期", "2023年度": a year stated in the text.
_YEAR = re.compile(
    r"(?<![0-9.])((?:19|20)\d\d)(?=\s*(?:年|暑期|暑假|寒假|春节|春季|秋季|夏季|冬季))")
# Years that are targets or ranges, not the present: "到2025年", "2025年前", "2021—2025年".
_FUTURE_BEFORE = re.compile(r"(?:到|(?<!截)至|力争|预计|计划|将在|将于|[—–\-~～])\s*$")
_FUTURE_AFTER = re.compile(r"^\s*年?\s*(?:底前|前|以前|之前|[—–\-~～]|远景|目标)")
# A masthead date: "2023年8月25日 星期五"; the weekday is optional on a short top line.
_MASTHEAD = re.compile(
    rf"((?:19|20)\d\d)年({_NUM})月({_NUM})日"
    rf"(?:\s*[（(]?\s*(?:星期|周|礼拜)([{_WEEKDAYS}天])\s*[)）]?)?"
)
_TOP_LINES, _SHORT_LINE = 5, 40


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if not all(c in _CN_DIGITS for c in text):
        return None
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _is_dateline(line: str, date: str) -> bool:
    """A short line holding the date and perhaps the paper's name, not a sentence."""
    return date in line and len(line) <= _SHORT_LINE and not re.search(r"[，。；：,;]", line)


def masthead_date(text: str) -> Inference | None:
    """The page's own dateline: a full date printed with a weekday that agrees with it
    ("2023年8月25日 星期五"), or a full date alone on a short line at the very top."""
    top = [line.strip() for line in text.split("\n", 40)[:40] if line.strip()][:_TOP_LINES]
    for match in _MASTHEAD.finditer(text):
        year, month, day = int(match[1]), _cn_number(match[2]), _cn_number(match[3])
        if month is None or day is None or not _valid(year, month, day):
            continue
        if match[4] is not None:
            weekday = _WEEKDAYS.index(match[4]) if match[4] in _WEEKDAYS else 6
            trusted = dt.date(year, month, day).weekday() == weekday
        else:
            trusted = any(_is_dateline(line, match[0]) for line in top)
        if trusted:
            found = make_date(year, month, day, "inferred")
            assert found is not None
            return Inference(found, f"正文中的日期行“{match[0]}”")
    return None


def month_days(text: str) -> list[tuple[int, int]]:
    """Every bare (month, day) mentioned, in order of appearance."""
    found = []
    for match in _MONTH_DAY.finditer(text):
        before = text[max(0, match.start() - 4):match.start()]
        if _OTHER_YEAR_BEFORE.search(before) or _PLANNED_BEFORE.search(before) \
                or _DEADLINE_AFTER.match(text, match.end()):
            continue
        month, day = _cn_number(match[1]), _cn_number(match[2])
        if month and day and 1 <= month <= 12 and 1 <= day <= 31:
            found.append((month, day))
    return found


def latest_month_day(mentions: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
    """The latest (month, day) among the months the page really talks about: a month
    mentioned once among many others is a look back, not the news. A page that speaks
    of both December and January is taken to straddle the new year."""
    items = list(mentions)
    if not items:
        return None
    counts = Counter(m for m, _ in items)
    items = [(m, d) for m, d in items if counts[m] >= min(2, 0.25 * len(items))]
    months = {m for m, _ in items}
    if months & {11, 12} and months & {1, 2}:
        return max(items, key=lambda md: (md[0] + 12 if md[0] <= 6 else md[0], md[1]))
    return max(items)


def year_clues(text: str) -> list[Clue]:
    """Years stated as the present ("2023年", "2023暑期", "自2022年…以来") and national
    events mentioned, each as a lower bound on the issue's date."""
    clues = []
    for match in _YEAR.finditer(text):
        before = text[max(0, match.start() - 4):match.start()]
        after = text[match.end():match.end() + 5]
        if _FUTURE_BEFORE.search(before) or _FUTURE_AFTER.search(after):
            continue
        year = int(match[1])
        clues.append(Clue(YearMonth(year, 1), _snippet(text, match.start(), match.end()),
                          stated=True))
    for pattern, bound in _EVENTS:
        match = pattern.search(text)
        if match:
            clues.append(Clue(bound, f"“{match[0]}”（{bound.year}年{bound.month}月起）",
                          stated=False))
    return clues


_SNIPPET_TAIL = re.compile(r"[^，。；、,;\n]{0,6}")


def _snippet(text: str, start: int, end: int) -> str:
    tail = _SNIPPET_TAIL.match(text, end)
    return f"“{text[start:end]}{tail[0] if tail else ''}”"


def infer_date(text: str) -> Inference | None:
    """Guess the issue date from its text, never more precisely than the evidence allows.

    A dateline (a full date with a matching weekday, or alone on a short top line) gives
    the day. Otherwise the latest bare ``M月D日`` of the months the page dwells on
    gives the month, and the latest lower bound from stated years and national events
    gives the year: the earliest year at or after that bound in which the month fits.
    Without a month, a stated year alone gives year precision; without any year clue
    there is no date.
    """
    text = nfkc(text)
    dateline = masthead_date(text)
    if dateline:
        return dateline
    clues = year_clues(text)
    latest = latest_month_day(month_days(text))
    if not clues:
        return None
    best = max(clues, key=lambda c: c.bound)
    if latest is None:
        if not best.stated:
            return None  # an event only says "not before"; too weak for a year
        found = make_date(best.bound.year, None, None, "inferred")
        return Inference(found, f"正文提到年份{best.label}") if found else None
    month = latest[0]
    year = best.bound.year if month >= best.bound.month else best.bound.year + 1
    found = make_date(year, month, None, "inferred")
    if not found:
        return None
    reason = f"最晚提到的日期为{latest[0]}月{latest[1]}日；年份依据：{best.label}"
    return Inference(found, reason)


def month_hint(text: str) -> int | None:
    """The latest month mentioned, for a warning when no year can be inferred."""
    latest = latest_month_day(month_days(nfkc(text)))
    return latest[0] if latest else None
