"""Read stage: bytes -> Source (decoding, front matter, sidecars, metadata, dates)."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from . import dates
from .cjk import HAN, cjk_mask, code_points, is_cjk
from .model import IssueDate, Source, SourceMeta
from .nfkc import nfkc
from .safety import unreadable_reason

# One printed page is tens of kilobytes of text and a whole day's paper about a megabyte.
# A file over 20 MB is a mistake (months of issues in one file, a disk image …) that would
# keep every later stage busy for minutes, so it is refused with a message instead.
MAX_BYTES = 20 * 1024 * 1024
MAX_SIDECAR_BYTES = 1024 * 1024  # a few lines of metadata
_SAMPLE = 64 * 1024
# Share of undecodable bytes above which the file is refused rather than repaired.
_MAX_BAD_RATIO = 0.01

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF", 0, "PDF"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG 图片"),
    (b"\xff\xd8\xff", 0, "JPEG 图片"),
    (b"GIF87a", 0, "GIF 图片"),
    (b"GIF89a", 0, "GIF 图片"),
    (b"II*\x00", 0, "TIFF 图片"),
    (b"MM\x00*", 0, "TIFF 图片"),
    (b"WEBP", 8, "WebP 图片"),
    (b"BM", 0, ""),  # checked further in _magic_kind: "BM" may start a text line
    (b"PK\x03\x04", 0, "ZIP 压缩包（或 Word/Excel 等 Office 文档）"),
    (b"PK\x05\x06", 0, "ZIP 压缩包"),
    (b"\x1f\x8b", 0, "GZIP 压缩包"),
    (b"Rar!\x1a\x07", 0, "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7z 压缩包"),
    (b"BZh", 0, ""),
    (b"\xfd7zXZ\x00", 0, "XZ 压缩包"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "旧版 Office 文档（.doc/.xls）"),
    (b"{\\rtf", 0, "RTF 格式文档，含排版代码"),
    (b"SQLite format 3\x00", 0, "SQLite 数据库"),
    (b"\x7fELF", 0, "可执行程序"),
    (b"MZ", 0, ""),
    (b"ID3", 0, ""),
    (b"ftyp", 4, "MP4/HEIC 媒体文件"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ENCODING_NAMES = {
    "utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gb18030": "GB18030/GBK",
    "big5": "Big5（繁体）", "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE",
    "utf-32-le": "UTF-32 LE", "utf-32-be": "UTF-32 BE",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_KEY_ALIASES = {
    "newspaper": "newspaper", "paper": "newspaper", "报纸": "newspaper", "报名": "newspaper",
    "date": "date", "日期": "date",
    "edition": "edition", "page": "edition", "版次": "edition",
    "title": "title", "版名": "title",
}
SIDECAR_SUFFIXES = (".meta.toml", ".yaml", ".yml")


class ReadError(Exception):
    """The file cannot be read as an issue; the message is for the librarian (Chinese)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python codec name
    warnings: tuple[str, ...] = ()
    lossy: bool = False  # undecodable bytes were dropped


@dataclass(frozen=True)
class Declared:
    """Metadata a librarian wrote down (front matter or sidecar), already validated."""

    newspaper: str | None = None
    date: IssueDate | None = None
    edition: str | None = None
    title: str | None = None


# --- bytes → text -------------------------------------------------------------------------

def _magic_kind(data: bytes) -> str | None:
    for magic, offset, kind in _MAGIC:
        if data[offset:offset + len(magic)] != magic:
            continue
        if kind:
            return kind
        if magic == b"BM" and len(data) > 14 and data[6:10] == b"\x00\x00\x00\x00":
            return "BMP 图片"
        if magic == b"BZh" and data[3:4].isdigit() and data[4:10] == b"1AY&SY":
            return "BZIP2 压缩包"
        if magic == b"MZ" and b"\x00" in data[:64]:
            return "可执行程序"
        if magic == b"ID3" and data[3:4] in (b"\x02", b"\x03", b"\x04"):
            return "MP3 音频"
    return None


_CJK_CHARS = re.compile(f"[{HAN}]")
_LATIN_ACCENTED = re.compile("[\u00c0-\u00ff]")


def _expected_char(ch: str) -> bool:
    if ch in "\n\r\t" or " " <= ch <= "~" or is_cjk(ch):
        return True
    return "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" \
        or unicodedata.category(ch)[0] in "PZS"


def _text_likeness(text: str) -> float:
    """Share of characters one expects in a Chinese newspaper text file."""
    if not text:
        return 1.0  # nothing unexpected; emptiness is reported on its own
    return sum(1 for ch in text if _expected_char(ch)) / len(text)


@lru_cache(maxsize=4)
def _cjk_only(text: str) -> str:
    """The CJK characters of ``text`` in order, picked from its code points at once: a
    regular expression substitution took six times as long on a page of newsprint.
    Cached: decoding one file asks for the same sample's several times."""
    points = code_points(text)
    return points[cjk_mask(points)].tobytes().decode("utf-32-le")


def _charset_ratio(text: str, charset: str) -> float:
    """Share of CJK characters that ``charset`` can encode."""
    cjk = _cjk_only(text)
    if not cjk:
        return 1.0
    # One bulk round trip: the characters ``charset`` cannot encode are dropped.
    common = cjk.encode(charset, errors="ignore").decode(charset)
    return len(common) / len(cjk)


def _gb2312_ratio(text: str) -> float:
    """Share of CJK characters that are common simplified ones (in GB2312); real text is
    close to 1, Big5 bytes read as GBK are far from it."""
    return _charset_ratio(text, "gb2312")


def _looks_traditional(text: str) -> bool:
    """Nearly every character exists in Big5: a traditional-character text, not mojibake
    (UTF-8 read as GBK gives characters Big5 lacks)."""
    return _charset_ratio(text[:_SAMPLE], "big5") >= 0.9


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _bom_decode(data: bytes, rel: str) -> Decoded | None:
    for bom, encoding in _BOMS:
        if not data.startswith(bom):
            continue
        body = data[len(bom):]
        text = _strict(body, encoding)
        if text is None:
            mixed = _mixed_lines(body) if encoding == "utf-8" else None
            return mixed or _lenient(body, encoding, rel)
        warnings = () if encoding == "utf-8" else (_encoding_warning(encoding),)
        return Decoded(text, "utf-8-sig" if encoding == "utf-8" else encoding, warnings)
    return None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a BOM: ASCII characters (newlines, digits) leave NUL bytes
    in every other position."""
    if len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _strict(data, encoding)
        if text is None:
            continue
        score = _text_likeness(text[: _SAMPLE // 2])
        if best is None or score > best[0]:
            best = (score, encoding, text)
    if best is None or best[0] < 0.95:
        return None
    score, encoding, text = best
    return Decoded(text, encoding, (_encoding_warning(encoding) + "（文件没有 BOM，编码为推测）",))


def _chinese_share(text: str) -> float:
    """Share of characters typical of simplified Chinese prose: common hanzi, CJK
    punctuation, digits and whitespace (Latin letters do not count)."""
    sample = text[:_SAMPLE]
    if not sample:
        return 0.0
    typical = sum(1 for ch in sample if ch.isspace() or ch.isdigit()
                  or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
                  or ch in "“”‘’…—·" or (is_cjk(ch) and _charset_ratio(ch, "gb2312")))
    return typical / len(sample)


def _gbk_in_disguise(data: bytes, utf8: str) -> Decoded | None:
    """Short GBK text can also be valid UTF-8 (``通讯员`` → ``ͨѶԱ``): when the UTF-8
    reading is not Chinese prose and the GB18030 reading clearly is, take that. (Bytes
    valid as UTF-8 are otherwise read as UTF-8, even when UTF-16 would also fit.)"""
    sample = utf8[:_SAMPLE]
    if sample.isascii() or len(_cjk_only(sample)) >= 0.3 * len(sample):
        return None
    gb = _strict(data, "gb18030")
    if gb is None or _chinese_share(gb) < max(0.8, _chinese_share(utf8) + 0.2):
        return None
    return Decoded(gb, "gb18030", (_encoding_warning("gb18030"),))


def _utf16_pure_chinese(data: bytes, gb: str | None) -> Decoded | None:
    """UTF-16 without a BOM and without any ASCII (so without NUL bytes): only when it
    reads as Chinese clearly better than the GB18030 reading does."""
    if len(data) % 2:
        return None
    rival = _chinese_share(gb) if gb is not None else 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _strict(data, encoding)
        if text is not None and _chinese_share(text) >= max(0.8, rival + 0.2):
            return Decoded(text, encoding,
                           (_encoding_warning(encoding) + "（文件没有 BOM，编码为推测）",))
    return None


def _encoding_warning(encoding: str) -> str:
    name = _ENCODING_NAMES.get(encoding, encoding)
    return f"文件编码为 {name}，不是 UTF-8；已自动识别并转换，建议另存为 UTF-8"


_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r\x0c\x1a\x1b")


def _too_many_controls(data: bytes) -> bool:
    """Binary data without NUL bytes still has control bytes everywhere; text has a few
    stray ones at most."""
    sample = data[:_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > max(16, 0.02 * len(sample))


def _chinese_decode(data: bytes) -> Decoded | None:
    """Strict decodes in the order that suits Chinese text: UTF-8, GB18030, Big5;
    when GB18030 and Big5 both fit, the one that reads as ordinary text wins."""
    text = _strict(data, "utf-8")
    if text is not None:
        return _gbk_in_disguise(data, text) or Decoded(text, "utf-8")
    mixed = _mixed_lines(data)
    if mixed is not None:
        return mixed
    gb = _strict(data, "gb18030")
    utf16 = _utf16_pure_chinese(data, gb)
    if utf16 is not None:
        return utf16
    big5 = _strict(data, "big5")
    if gb is not None and big5 is not None:
        return _arbitrate(data, gb, big5)
    if gb is not None and _text_likeness(gb[:_SAMPLE]) >= 0.9 and not _looks_garbled(gb):
        return Decoded(gb, "gb18030", (_encoding_warning("gb18030"),))
    if big5 is not None and _text_likeness(big5[:_SAMPLE]) >= 0.9:
        return Decoded(big5, "big5", (_encoding_warning("big5"),))
    return None


def _mixed_lines(data: bytes) -> Decoded | None:
    """Lines partly UTF-8, partly GBK (two files pasted together): each line decoded on
    its own. Only when every other line is clean GBK Chinese, so one damaged byte in a
    UTF-8 file is left to ``_lenient`` rather than read as GBK mojibake."""
    texts: list[str] = []
    gbk_lines: list[int] = []
    utf8_chinese = False
    for number, line in enumerate(data.split(b"\n"), start=1):
        text = _strict(line, "utf-8")
        if text is None:
            text = _strict(line, "gb18030")
            if text is None or not _clean_chinese_line(text):
                return None
            gbk_lines.append(number)
        else:  # a short GBK line can be valid UTF-8 too: only Chinese text counts
            utf8_chinese = utf8_chinese or _clean_chinese_line(text)
        texts.append(text)
    if not (utf8_chinese and gbk_lines):
        return None
    where = "、".join(map(str, gbk_lines[:10])) + ("等" if len(gbk_lines) > 10 else "")
    return Decoded("\n".join(texts), "utf-8", (
        f"文件混用了 UTF-8 与 GBK 两种编码（第{where}行是 GBK），已逐行识别并转换，"
        "请核对这些行，建议统一另存为 UTF-8",))


def _clean_chinese_line(text: str) -> bool:
    cjk = "".join(ch for ch in text if is_cjk(ch))
    return bool(cjk) and len(cjk.encode("gb2312", errors="ignore")) >= 0.9 * 2 * len(cjk)


def _without_stray_nuls(data: bytes) -> Decoded | None:
    """Text with a few NUL bytes (a damaged copy): the NULs removed and reported. Binary
    data has many NULs and control bytes, or does not decode once they are gone."""
    count = data.count(b"\x00")
    if count > max(16, len(data) // 100):
        return None
    stripped = data.replace(b"\x00", b"")
    if _too_many_controls(stripped):
        return None
    decoded = _chinese_decode(stripped)
    if decoded is None:
        return None
    warning = f"已删除 {count} 个 NUL 空字节（文件可能在复制或保存时受损），请对照原件核对"
    return replace(decoded, warnings=(*decoded.warnings, warning))


def _arbitrate(data: bytes, gb: str, big5: str) -> Decoded:
    gb_ratio = _gb2312_ratio(gb[:_SAMPLE])
    if gb_ratio >= 0.9:
        encoding = "gb18030"
    elif _gb2312_ratio(big5[:_SAMPLE]) >= 0.9 and gb_ratio < 0.6:
        encoding = "big5"  # traditional text whose characters all exist in simplified too
    else:
        encoding = _normalizer_choice(data, ("gb18030", "big5")) or (
            "gb18030" if gb_ratio >= 0.6 else "big5")
    text = gb if encoding == "gb18030" else big5
    return Decoded(text, encoding, (_encoding_warning(encoding),))


def _normalizer_choice(data: bytes, allowed: Sequence[str]) -> str | None:
    from charset_normalizer import from_bytes

    aliases = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030",
               "big5": "big5", "big5hkscs": "big5", "cp950": "big5",
               "utf_8": "utf-8", "utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be"}
    for match in from_bytes(data[:_SAMPLE]):
        name = aliases.get(match.encoding)
        if name in allowed:
            return name
    return None


def _lenient(data: bytes, preferred: str, rel: str) -> Decoded:
    """Last resort: decode with replacement characters, drop them and say where; refuse the
    file when too much of it is undecodable (it would only show mojibake)."""
    candidates = [preferred] + [e for e in ("utf-8", "gb18030", "big5") if e != preferred]
    options = []
    for rank, encoding in enumerate(candidates):
        text = data.decode(encoding, errors="replace")
        bad = text.count("\ufffd")
        if bad <= max(3, _MAX_BAD_RATIO * len(text)):
            # Readable text beats garbled text; then fewer lost bytes; then the usual order.
            options.append((_looks_garbled(text), bad, rank, encoding, text))
    if not options:
        raise ReadError(f"{rel}：无法识别文件编码（按 UTF-8、GB18030、Big5 解码都有大量乱码），"
                        "已跳过；请确认这是文本文件并另存为 UTF-8")
    _, best_bad, _, best_encoding, best_text = min(options)
    if not best_bad:
        warnings = () if best_encoding == "utf-8" else (_encoding_warning(best_encoding),)
        return Decoded(best_text, best_encoding, warnings)
    lines = sorted({i for i, line in enumerate(best_text.split("\n"), start=1)
                    if "\ufffd" in line})
    where = "、".join(str(n) for n in lines[:10]) + ("等" if len(lines) > 10 else "")
    name = _ENCODING_NAMES.get(best_encoding, best_encoding)
    warning = (f"注意：文件中有 {best_bad} 处无法按 {name} 解码的字节（第{where}行），"
               "已删除这些字节，请对照原件核对这些行")
    return Decoded(best_text.replace("\ufffd", ""), best_encoding, (warning,), lossy=True)


# A UTF-8 Chinese character once read as Latin-1/Windows-1252: "æ–°" for "新".
_LATIN_MOJIBAKE = re.compile(
    "[\u00e0-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]{1,2}")


def _latin_mojibake(text: str) -> bool:
    sample = text[:_SAMPLE]
    found = sum(len(m[0]) for m in _LATIN_MOJIBAKE.finditer(sample))
    return found >= 12 and found > 0.3 * len(sample.strip())


@lru_cache(maxsize=4)
def _looks_garbled(text: str) -> bool:
    """Many CJK characters but few common ones: mojibake (or a traditional-character text).
    Cached: the repair check and the final check ask it of the same decoded text."""
    cjk = _cjk_only(text[:_SAMPLE])
    return len(cjk) >= 20 and _gb2312_ratio(cjk) < 0.6


def _repair_double_encoding(text: str) -> str | None:
    """Undo a wrong round trip: UTF-8 bytes once read as Latin-1/Windows-1252 (``æ–°é—»``)
    or as GBK (``鏂伴椈``) and saved again. Only when the result is clean Chinese text."""
    sample = text[:_SAMPLE]
    has_latin = len(_LATIN_ACCENTED.findall(sample)) >= 4
    if has_latin and not _CJK_CHARS.search(sample):
        wrong_codecs: tuple[str, ...] = ("cp1252", "latin-1")
    elif _looks_garbled(text):
        wrong_codecs = ("gb18030",)
    else:
        return None
    for wrong in wrong_codecs:
        try:
            repaired = text.encode(wrong).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if any(map(is_cjk, repaired)) and not _looks_garbled(repaired):
            return repaired
    return None


def decode_bytes(data: bytes, rel: str) -> Decoded:
    """Bytes → text, or ReadError for binary files and hopeless encodings."""
    decoded = _bom_decode(data, rel)
    if decoded is None:
        kind = _magic_kind(data)
        if kind:
            if kind.startswith("RTF"):
                raise ReadError(f"{rel}：这是{kind}，不是纯文本，已跳过；请另存为纯文本（.txt）")
            raise ReadError(f"{rel}：看起来是二进制文件（{kind}），不是文本，已跳过")
        if b"\x00" in data[:_SAMPLE]:
            decoded = _utf16_without_bom(data) or _without_stray_nuls(data)
            if decoded is None:
                raise ReadError(f"{rel}：看起来是二进制文件（含有 NUL 字节），不是文本，已跳过")
        elif _too_many_controls(data):
            # UTF-16 punctuation (、。，“”) has control bytes too.
            decoded = _utf16_pure_chinese(data, None)
            if decoded is None:
                raise ReadError(f"{rel}：看起来是二进制文件（控制字符过多），不是文本，已跳过")
        else:
            decoded = _chinese_decode(data) or _lenient(data, "utf-8", rel)
    repaired = _repair_double_encoding(decoded.text)
    if repaired is not None:
        decoded = replace(decoded, text=repaired, warnings=(
            *decoded.warnings, "文件内容曾被错误转码（出现乱码），已自动还原为中文，请核对"))
    self_checking = decoded.encoding.startswith("utf-8") and not decoded.lossy
    if not self_checking and _text_likeness(decoded.text[:_SAMPLE]) < 0.5:
        raise ReadError(f"{rel}：解码后大部分是不可读的字符，不像报纸文本，已跳过")
    if _latin_mojibake(decoded.text):
        decoded = replace(decoded, warnings=(
            *decoded.warnings,
            "注意：正文像是被错误转码的乱码（如“æ–°”），未能自动还原，请找回原始文件"))
    if _looks_garbled(decoded.text) and decoded.encoding != "big5":
        if decoded.lossy:
            raise ReadError(f"{rel}：无法识别文件编码（解码结果是乱码），已跳过；"
                            "请确认这是文本文件并另存为 UTF-8")
        if not _looks_traditional(decoded.text):
            decoded = replace(decoded, warnings=(
                *decoded.warnings,
                "注意：正文中大多是生僻字，很可能是乱码（编码识别错误），请对照原件核对"))
    return decoded


def normalise_text(text: str) -> tuple[str, tuple[str, ...]]:
    """``\\n`` newlines; no BOM, control characters (they break pages) or replacement
    characters (mojibake) left."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.lstrip("\ufeff")
    warnings = []
    controls = len(_CONTROL.findall(text))
    if controls:
        text = _CONTROL.sub("", text)
        warnings.append(f"已删除 {controls} 个不可见的控制字符")
    replaced = text.count("\ufffd")
    if replaced:
        text = text.replace("\ufffd", "")
        warnings.append(f"注意：文件里本来就有 {replaced} 个替换符“\ufffd”（之前的转换丢了字），"
                        "已删除，请对照原件核对")
    return text, tuple(warnings)


# --- front matter and sidecars ------------------------------------------------------------

def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(YAML block or None, body, number of lines the front matter took).

    The body keeps one empty line per front matter line so that line numbers in later
    messages still match the file.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 0
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in ("---", "..."):
            block = "\n".join(lines[1:end])
            body = "\n".join([""] * (end + 1) + lines[end + 1:])
            return block, body, end + 1
    return None, text, 0


def _unclosed_front_matter(text: str) -> bool:
    lines = text.split("\n", 3)
    return (len(lines) > 1 and lines[0].strip() == "---"
            and re.match(rf"^\s*[\w{HAN}]+\s*[:：]", lines[1]) is not None)


class _KeyCheckingLoader(yaml.SafeLoader):
    """The safe loader, noting every key a mapping repeats (PyYAML keeps the last)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: list[str] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen and key_node.value not in self.repeated:
                    self.repeated.append(key_node.value)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def load_yaml(text: str) -> tuple[object, tuple[str, ...]]:
    """(data, warnings) with the safe loader; values it cannot build (``2023-02-30`` as a
    date) are read again as plain strings so that validation can name them. Repeated keys
    are reported; nesting too deep for the loader raises ``yaml.YAMLError``."""
    if len(text) > MAX_YAML_CHARS:
        raise yaml.YAMLError("too long")  # PyYAML reads ~1 MB a second
    if _nesting_depth(text) > _MAX_YAML_DEPTH:
        raise yaml.YAMLError("nested too deeply")  # PyYAML would recurse for seconds
    loader = _KeyCheckingLoader(text)
    try:
        data = loader.get_single_data()
    except (ValueError, TypeError, OverflowError):
        data = _plain_yaml(text)
    except RecursionError as exc:
        raise yaml.YAMLError("nested too deeply") from exc
    finally:
        loader.dispose()
    warnings = tuple(f"键 {_shown(key)} 出现了不止一次，采用最后一次的值"
                     for key in loader.repeated[:10])
    return data, warnings


def _plain_yaml(text: str) -> object:
    try:
        return yaml.load(text, Loader=yaml.BaseLoader)  # builds plain strings only
    except RecursionError as exc:
        raise yaml.YAMLError("nested too deeply") from exc


_MAX_YAML_DEPTH = 32
# Metadata is a few lines; a longer block is a mistake (an article pasted into a value).
MAX_YAML_CHARS = 64 * 1024


def _nesting_depth(text: str) -> int:
    """Flow nesting (brackets), or block nesting estimated from the deepest indentation."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    indents = (len(line) - len(line.lstrip(" -")) for line in text.split("\n"))
    return max(deepest, max(indents, default=0) // 2)


def _shown(value: object, limit: int = 40) -> str:
    """A value as a message quotes it: one line, at most ``limit`` characters."""
    text = " ".join(_printed(value).split())
    return text if len(text) <= limit else text[:limit] + "…"


def _printed(value: object) -> str:
    try:
        return str(value)
    except ValueError:  # an integer of thousands of digits (YAML reads one happily)
        return f"（{type(value).__name__}）"


def parse_front_matter(block: str) -> tuple[dict[str, object], tuple[str, ...]]:
    """The YAML mapping, or {} and a warning naming the file line (front matter starts on
    line 2, after the opening ``---``)."""
    if len(block) > MAX_YAML_CHARS:
        return {}, (f"头部信息（front matter）过长（{len(block)} 字，上限 {MAX_YAML_CHARS} 字），"
                    "已忽略头部信息，正文照常生成",)
    try:
        data, repeated = load_yaml(block) if block.strip() else ({}, ())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is None:
            return {}, ("头部信息（front matter）格式有误，已忽略头部信息，正文照常生成",)
        line_no = mark.line + 2
        lines = block.split("\n")
        shown = lines[mark.line].strip() if mark.line < len(lines) else ""
        return {}, (f"头部信息（front matter）第{line_no}行格式有误（“{shown}”），"
                    "已忽略头部信息，正文照常生成",)
    if data is None:
        return {}, ()
    if not isinstance(data, dict):
        return {}, ("头部信息（front matter）应为“键: 值”的形式，已忽略头部信息，正文照常生成",)
    return data, tuple(f"头部信息中{w}" for w in repeated)


def _read_sidecar(path: Path, rel: str) -> tuple[dict[str, object], tuple[str, ...]]:
    try:
        raw = _read_bytes(path, rel, MAX_SIDECAR_BYTES).decode("utf-8-sig")
    except ReadError as exc:
        return {}, (f"附属信息文件 {exc}".replace("，已跳过", "，已忽略"),)
    except UnicodeDecodeError:
        return {}, (f"附属信息文件 {rel} 无法读取（应为 UTF-8 文本），已忽略",)
    if path.name.endswith(".toml"):
        try:
            return tomllib.loads(raw), ()
        except tomllib.TOMLDecodeError as exc:
            return {}, (f"附属信息文件 {rel} 格式有误（{_toml_where(exc)}），已忽略",)
    try:
        data, repeated = load_yaml(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else "无法解析"
        return {}, (f"附属信息文件 {rel} 格式有误（{where}），已忽略",)
    if data is None:
        return {}, ()
    if not isinstance(data, dict):
        return {}, (f"附属信息文件 {rel} 应为“键: 值”的形式，已忽略",)
    return data, tuple(f"附属信息文件 {rel} 中{w}" for w in repeated)


def _toml_where(exc: tomllib.TOMLDecodeError) -> str:
    match = re.search(r"line (\d+)", str(exc))
    return f"第{match[1]}行" if match else "无法解析"


def _sidecar_candidates(path: Path) -> list[Path]:
    """Whatever exists under a sidecar name beside ``path``; a name too long for the file
    system has no sidecar."""
    found = []
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(path.stem + suffix)
        try:
            if os.path.lexists(candidate):
                found.append(candidate)
        except (OSError, ValueError):
            continue
    return found


def find_sidecars(path: Path) -> list[Path]:
    """Sidecar files beside ``path``, in order of preference (links out of its folder,
    folders and pipes are never read)."""
    return _sorted_sidecars(path)[0]


def _sorted_sidecars(path: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(usable sidecars, [(skipped one, why)])."""
    usable, skipped = [], []
    for candidate in _sidecar_candidates(path):
        reason = unreadable_reason(candidate, path.parent)
        if reason is None:
            usable.append(candidate)
        else:
            skipped.append((candidate, reason))
    return usable, skipped


def validate_declared(data: dict[str, object], where: str,
                      source: dates.DateSource) -> tuple[Declared, tuple[str, ...]]:
    """Known keys (English or Chinese) → Declared; unknown keys and bad values → warnings."""
    values: dict[str, object] = {}
    warnings: list[str] = []
    unknown = []
    for key, value in data.items():
        field_name = _KEY_ALIASES.get(str(key).strip().lower())
        if field_name is None:
            unknown.append(_shown(key))
        elif isinstance(value, dict | list):
            warnings.append(f"{where}中 {_shown(key)} 的值应为一段文字，不能是列表或表格，已忽略")
        elif value is not None and _printed(value).strip():
            values[field_name] = value
    if unknown:
        listed = "、".join(unknown[:10]) + (f" 等 {len(unknown)} 个" if len(unknown) > 10 else "")
        warnings.append(f"{where}中有不认识的键：{listed}（可用：newspaper、date、"
                        "edition、title），已忽略")
    texts = {name: clean_meta_text(values.get(name), f"{where}中 {name} ", warnings)
             for name in ("newspaper", "edition", "title")}
    edition = values.get("edition")
    declared = Declared(
        newspaper=texts["newspaper"],
        edition=f"第{texts['edition']}版" if type(edition) is int and texts["edition"]
        else texts["edition"],
        title=texts["title"],
    )
    if "date" in values:
        date = dates.parse_declared(values["date"], source)
        if date is None:
            warnings.append(f"{where}中的日期“{_shown(values['date'])}”无法识别（应为 YYYY-MM-DD、"
                            "YYYY-MM 或 YYYY），已忽略")
        declared = replace(declared, date=date)
    return declared, tuple(warnings)


# A newspaper name, an edition, a title: a line of text. Longer values are a mistake
# (a pasted article, a file's worth of junk) copied onto every page of the issue.
MAX_META_CHARS = 200
# Characters that are invisible or reorder text (bidi overrides, zero-width ones), and
# lone surrogates (from a YAML escape such as "\ud800") that no page or JSON file can hold.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
                        "\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff]")


def clean_meta_text(value: object, label: str, warnings: list[str],
                    limit: int = MAX_META_CHARS) -> str | None:
    """A metadata value as one clean line of at most ``limit`` characters; what was
    removed or cut is added to ``warnings`` (``label`` names the value)."""
    if value is None or isinstance(value, dict | list):
        return None
    try:
        text = " ".join(str(value).split())
    except ValueError:  # see ``_printed``
        warnings.append(f"{label}的值是位数过多的数字，已忽略")
        return None
    invisible = len(_INVISIBLE.findall(text))
    if invisible:
        text = " ".join(_INVISIBLE.sub("", text).split())
        warnings.append(f"{label}的值中有 {invisible} 个不可见字符"
                        "（控制符、方向控制符或零宽字符），已删除")
    if len(text) > limit:
        warnings.append(f"{label}的值过长（{len(text)} 字），已截取前 {limit} 字，请核对")
        text = text[:limit]
    return text or None


def _merge(primary: Declared, fallback: Declared, primary_name: str,
           fallback_name: str) -> tuple[Declared, tuple[str, ...]]:
    merged: dict[str, object] = {}
    warnings = []
    for name in ("newspaper", "date", "edition", "title"):
        a, b = getattr(primary, name), getattr(fallback, name)
        merged[name] = a if a is not None else b
        a_shown = a.value if isinstance(a, IssueDate) else a
        b_shown = b.value if isinstance(b, IssueDate) else b
        if a is not None and b is not None and a_shown != b_shown:
            warnings.append(f"{primary_name}与{fallback_name}的 {name} 不一致"
                            f"（“{a_shown}” 与 “{b_shown}”），采用{primary_name}的值")
    return Declared(**merged), tuple(warnings)  # type: ignore[arg-type]


# --- the date -----------------------------------------------------------------------------

def _month_name(value: str) -> str:
    parts = value.split("-")
    names = ["年", "月", "日"]
    return "".join(f"{int(p)}{n}" for p, n in zip(parts, names, strict=False))


def choose_date(declared: IssueDate | None, file_name: str,
                body: str) -> tuple[IssueDate, tuple[str, ...]]:
    """Declared (front matter/sidecar) → file name → inferred from the text → unknown."""
    chosen = declared or dates.date_from_filename(Path(file_name).stem)
    if chosen is not None:
        return chosen, _dateline_disagrees(chosen, body)
    inference = dates.infer_date(body)
    if inference is not None:
        return inference.date, (f"日期由正文推断为 {_month_name(inference.date.value or '')}"
                                f"（依据：{inference.reason}），请核对",)
    month = dates.month_hint(body)
    if month is not None:
        return IssueDate(), (f"无法确定日期：正文提到的日期多在{month}月，但没有年份线索；"
                             "可在头部信息中写明 date",)
    return IssueDate(), ("无法确定日期：文件名和正文都没有日期线索；可在头部信息中写明 date",)


_DATE_ORIGINS = {"front-matter": "头部信息", "sidecar": "附属信息文件", "filename": "文件名"}


def _dateline_disagrees(chosen: IssueDate, body: str) -> tuple[str, ...]:
    """A warning when the page's own printed dateline contradicts the stated date."""
    line = dates.masthead_date(nfkc(body))
    if line is None or line.date.value is None or chosen.value is None \
            or line.date.value.startswith(chosen.value):
        return ()
    origin = _DATE_ORIGINS.get(chosen.source or "", "")
    return (f"{origin}中的日期 {chosen.value} 与{line.reason}不一致，采用{origin}中的日期，请核对",)


# --- the stage ----------------------------------------------------------------------------

def relative_path(path: Path, project_root: Path) -> str:
    """The path relative to the project root as found (symlinks not followed when possible),
    made printable when the name is not UTF-8 (see ``printable_name``)."""
    # Resolving costs a system call per path component: only when the plain form fails.
    for absolute in (Path.absolute, Path.resolve):
        try:
            return printable_name(absolute(path).relative_to(absolute(project_root)).as_posix())
        except ValueError:
            continue
    return printable_name(path.as_posix())


def printable_name(name: str) -> str:
    """A file name whose bytes are not UTF-8 (typically GBK names from a zip made on
    Windows) arrives with surrogate escapes, which no page or JSON file can hold: decode
    its bytes as GB18030 or Big5 when they fit, else show the bad bytes as ``\\xNN``."""
    if not _has_surrogates(name):
        return name
    raw = os.fsencode(name)
    for encoding in ("gb18030", "big5"):
        decoded = _strict(raw, encoding)
        if decoded is not None:
            return decoded
    return raw.decode("utf-8", errors="backslashreplace")


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _read_bytes(path: Path, rel: str, limit: int | None = None) -> bytes:
    limit = limit or MAX_BYTES
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a pipe would block, a device never end
            raise ReadError(f"{rel}：不是普通文件（可能是文件夹、管道或设备），已跳过")
        size = status.st_size
        if size > limit:
            raise ReadError(f"{rel}：文件过大（{size / 1024 / 1024:.1f} MB，上限 "
                            f"{limit / 1024 / 1024:g} MB）；一版报纸的文本通常只有几十 KB，"
                            "请检查是否放错了文件，或拆分成每期一个文件，已跳过")
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(f"{rel}：无法读取文件（{exc.strerror or exc}），已跳过") from exc


def _declared_meta(path: Path, block: str | None, text: str, project_root: Path
                   ) -> tuple[Declared, tuple[str, ...]]:
    warnings: list[str] = []
    front = Declared()
    if block is not None:
        data, problems = parse_front_matter(block)
        warnings += problems
        front, problems = validate_declared(data, "头部信息", "front-matter")
        warnings += problems
    elif _unclosed_front_matter(text):
        warnings.append("第1行是“---”，但没有找到结束的“---”，头部信息未生效，已按正文处理")
    sidecars, skipped = _sorted_sidecars(path)
    warnings += (f"附属信息文件 {relative_path(c, project_root)} {why.replace('已跳过', '已忽略')}"
                 for c, why in skipped)
    if not sidecars:
        return front, tuple(warnings)
    sidecar_path = sidecars[0]
    side_rel = relative_path(sidecar_path, project_root)
    if len(sidecars) > 1:
        ignored = "、".join(relative_path(p, project_root) for p in sidecars[1:])
        warnings.append(f"有多个附属信息文件，只采用 {side_rel}，已忽略 {ignored}")
    data, problems = _read_sidecar(sidecar_path, side_rel)
    warnings += problems
    side, problems = validate_declared(data, f"附属信息文件 {side_rel} ", "sidecar")
    warnings += problems
    # The sidecar is what a librarian writes to correct a file they cannot edit: it wins.
    merged, problems = _merge(side, front, f"附属信息文件 {side_rel} ", "头部信息")
    return merged, (*warnings, *problems)


def read_small_file(path: Path, rel: str) -> bytes:
    """The bytes of a librarian's settings file (places, topics): a regular file of at
    most ``MAX_SIDECAR_BYTES`` × 8, or ReadError naming ``rel``."""
    return _read_bytes(path, rel, 8 * MAX_SIDECAR_BYTES)


def read_text(path: Path, rel: str) -> tuple[str, tuple[str, ...]]:
    """Any text file a librarian writes (a site page): bytes within the size limit,
    decoded, newlines and control characters normalised; ReadError naming ``rel``."""
    decoded = decode_bytes(_read_bytes(path, rel), rel)
    text, cleaned = normalise_text(decoded.text)
    return text, (*decoded.warnings, *cleaned)


def read_source(path: Path, project_root: Path) -> Source:
    rel = relative_path(path, project_root)
    name_warnings = (f"文件名不是 UTF-8 编码（可能来自 Windows 压缩包），按“{rel}”显示；"
                     "建议重命名",) if _has_surrogates(path.name) else ()
    data = _read_bytes(path, rel)
    if not data.strip(b" \t\r\n\x0c\x0b"):
        raise ReadError(f"{rel}：文件为空" + ("（只有空白）" if data else "") + "，已跳过")
    decoded = decode_bytes(data, rel)
    text, cleaned = normalise_text(decoded.text)
    block, body, _ = split_front_matter(text)
    if not body.strip():
        problem = "只有头部信息，没有正文" if block is not None else "文件为空（只有空白）"
        raise ReadError(f"{rel}：{problem}，已跳过")
    declared, meta_warnings = _declared_meta(path, block, text, project_root)
    date, date_warnings = choose_date(declared.date, path.name, body)
    edition = declared.edition or dates.edition_from_filename(path.stem)
    return Source(
        rel_path=rel,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=decoded.encoding,
        format="md" if path.suffix.lower() == ".md" else "txt",
        text=body,
        meta=SourceMeta(newspaper=declared.newspaper, date=date,
                        edition=edition, title=declared.title),
        warnings=(*name_warnings, *decoded.warnings, *cleaned, *meta_warnings, *date_warnings),
    )


# --- across sources -----------------------------------------------------------------------

def duplicate_claims(sources: Sequence[Source]) -> dict[str, tuple[str, ...]]:
    """rel_path → warnings for files that are byte-identical, or that claim the same
    newspaper, day and edition. Both files are still built; a librarian decides."""
    extra: dict[str, list[str]] = defaultdict(list)
    by_hash: dict[str, list[Source]] = defaultdict(list)
    by_claim: dict[tuple[str, str, str | None], list[Source]] = defaultdict(list)
    for source in sources:
        by_hash[source.sha256].append(source)
        meta = source.meta
        if meta.newspaper and meta.date.value and meta.date.precision == "day" \
                and meta.date.source != "inferred":
            by_claim[(meta.newspaper, meta.date.value, meta.edition)].append(source)
    for group in by_hash.values():
        _note_group(extra, group, "内容完全相同（重复文件）", "请删除多余的文件")
    for (paper, day, edition), group in by_claim.items():
        if len({s.sha256 for s in group}) < 2:
            continue
        claim = f"{paper} {day}" + (f" {edition}" if edition else "")
        _note_group(extra, group, f"声称是同一期（{claim}）", "请核对日期或版次")
    return {rel: tuple(warnings) for rel, warnings in sorted(extra.items())}


_GROUP_SHOWN = 5  # members a group's warning names; a large group is counted, not listed


def _note_group(extra: dict[str, list[str]], group: list[Source], what: str, todo: str
                ) -> None:
    """One warning per member of a group, naming a few of the others: a group of
    thousands of copies costs thousands of short warnings, not millions."""
    if len(group) < 2:
        return
    names = sorted(s.rel_path for s in group)
    for source in group:
        others = [n for n in names[:_GROUP_SHOWN + 1] if n != source.rel_path][:_GROUP_SHOWN]
        listed = "、".join(others)
        if len(group) - 1 > len(others):
            listed += f" 等 {len(group) - 1} 个文件"
        both = "两者" if len(group) == 2 else f"这 {len(group)} 个文件"
        extra[source.rel_path].append(f"与 {listed} {what}，{both}都已生成，{todo}")

