"""Read stage: encodings, bad files, front matter, sidecars, dates, duplicate claims."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baoku.model import IssueDate, Source, SourceMeta
from baoku.read import _CJK_CHARS, MAX_BYTES, ReadError, _cjk_only, duplicate_claims, read_source

SIMPLIFIED = ("本报讯（记者王小明）近日，示范区湖滨路街道蓝湾社区举办了暑期关爱活动，"
              "为少先队员带来了一场生动有趣的普法课。居民们纷纷表示，这样的活动很有意义。\n"
              "据了解，该社区今年已累计开展各类志愿服务活动三十余场，受益群众两千余人次。\n")
TRADITIONAL = ("本報訊（記者王小明）近日，臺北市社區舉辦了暑期關愛活動，為少年兒童帶來一場"
               "生動有趣的普法課。居民們紛紛表示，這樣的活動很有意義，希望今後繼續舉辦。\n")


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def read(tmp_path: Path, name: str, content: str | bytes) -> Source:
    return read_source(write(tmp_path, name, content), tmp_path)


# --- encodings ----------------------------------------------------------------------------

@pytest.mark.parametrize(("encoded", "encoding"), [
    (SIMPLIFIED.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
    (SIMPLIFIED.encode("gbk"), "gb18030"),
    ((SIMPLIFIED + "𠀀㐀").encode("gb18030"), "gb18030"),
    (codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
    (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
    (SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
    (SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
    (TRADITIONAL.encode("big5"), "big5"),
])
def test_encodings_are_detected(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    source = read(tmp_path, "a.txt", encoded)
    assert source.encoding == encoding
    expected = SIMPLIFIED + "𠀀㐀" if "𠀀".encode("gb18030") in encoded else None
    assert source.text == (expected or (TRADITIONAL if encoding == "big5" else SIMPLIFIED))
    is_utf8 = encoding.startswith("utf-8")
    assert any("不是 UTF-8" in w for w in source.warnings) is not is_utf8


def test_crlf_and_cr_newlines_become_lf(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "第一行\r\n第二行\r第三行\n".encode("gbk"))
    assert source.text == "第一行\n第二行\n第三行\n"


def test_sha256_is_of_the_raw_bytes(tmp_path: Path) -> None:
    import hashlib

    data = SIMPLIFIED.encode("gbk")
    assert read(tmp_path, "a.txt", data).sha256 == hashlib.sha256(data).hexdigest()


def test_a_few_corrupt_bytes_are_dropped_with_a_loud_warning(tmp_path: Path) -> None:
    data = SIMPLIFIED.encode("utf-8")
    cut = data.index(b"\n") + 1
    source = read(tmp_path, "a.txt", data[:cut] + b"\xff" + data[cut:])
    assert "\ufffd" not in source.text
    assert source.text == SIMPLIFIED
    assert any("无法按" in w and "第2行" in w for w in source.warnings)


def test_mostly_undecodable_file_is_refused(tmp_path: Path) -> None:
    garbage = bytes([0xFF, 0x80, 0xFE, 0x81] * 300) + "文字".encode()
    with pytest.raises(ReadError, match=r"content/a\.txt"):
        read(tmp_path, "a.txt", garbage)


def test_latin1_double_encoding_is_repaired(tmp_path: Path) -> None:
    garbled = SIMPLIFIED.encode("utf-8").decode("latin-1")
    source = read(tmp_path, "a.txt", garbled)
    assert source.text == SIMPLIFIED
    assert any("错误转码" in w for w in source.warnings)


def test_text_of_rare_characters_is_flagged(tmp_path: Path) -> None:
    garbled = "鍏氬缓寮曢鍏遍┗鍏卞缓鈥滆仛鍚堝姏鈥濈ず鑼冨尯鈥滃洓鎶撳洓鑱斺"
    source = read(tmp_path, "a.txt", garbled)
    assert any("乱码" in w for w in source.warnings)


def test_traditional_utf8_text_is_not_called_mojibake(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", TRADITIONAL)
    assert source.text == TRADITIONAL
    assert not any("乱码" in w for w in source.warnings)


def test_control_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "第一行\x07内容\x1f\n第二行\n")
    assert source.text == "第一行内容\n第二行\n"
    assert any("控制字符" in w for w in source.warnings)


# --- files that are not issues ------------------------------------------------------------

@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
    (b"GIF89a\x01\x00\x01\x00", "GIF"),
    (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "GZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "Office"),
    (bytes(range(256)) * 4, "NUL"),
    (bytes([1, 2, 3, 4, 5, 6, 0x0e, 0x0f]) * 50 + "文字".encode(), "控制字符"),
])
def test_binary_files_are_refused_naming_the_kind(tmp_path: Path, data: bytes,
                                                  kind: str) -> None:
    with pytest.raises(ReadError) as caught:
        read(tmp_path, "scan.pdf.txt", data)
    message = str(caught.value)
    assert message.startswith("content/scan.pdf.txt：")
    assert "二进制" in message and kind in message


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8, "\u3000\n".encode()])
def test_empty_and_blank_files_are_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ReadError, match=r"content/blank\.txt：.*(为空|没有正文)"):
        read(tmp_path, "blank.txt", data)


def test_front_matter_only_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="只有头部信息，没有正文"):
        read(tmp_path, "a.txt", "---\ndate: 2023-08-25\n---\n\n")


def test_huge_files_are_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "content" / "huge.txt"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:  # sparse: the test does not write 20 MB
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(ReadError, match=r"content/huge\.txt：文件过大（20\.0 MB"):
        read_source(path, tmp_path)


def test_unreadable_path_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="无法读取"):
        read_source(tmp_path / "content" / "missing.txt", tmp_path)


# --- front matter -------------------------------------------------------------------------

def test_front_matter_fills_the_metadata(tmp_path: Path) -> None:
    source = read(tmp_path, "a.md", "---\nnewspaper: 平顶山日报\ndate: 2023-08-25\n"
                                     "edition: 3\ntitle: 示范区新闻\n---\n正文第一段。\n")
    assert source.format == "md"
    assert source.meta == SourceMeta("平顶山日报", IssueDate("2023-08-25", "day", "front-matter"),
                                     "第3版", "示范区新闻")
    assert source.text.strip() == "正文第一段。"
    assert source.text.split("\n").index("正文第一段。") == 6  # line numbers kept
    assert source.warnings == ()


def test_front_matter_accepts_chinese_keys_and_page(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "---\n报纸: 大河报\n日期: 2023-08\npage: A3\n---\n正文。\n")
    assert source.meta.newspaper == "大河报"
    assert source.meta.date == IssueDate("2023-08", "month", "front-matter")
    assert source.meta.edition == "A3"


def test_unknown_front_matter_keys_are_warned(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "---\ndate: 2023\nauthor: 张三\n---\n正文。\n")
    assert source.meta.date.value == "2023"
    assert any("author" in w and "不认识" in w for w in source.warnings)


def test_malformed_front_matter_names_the_line_and_keeps_the_text(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "---\nnewspaper: 日报\ndate: [2023\n---\n正文内容。\n")
    assert any("第3行" in w and "格式有误" in w for w in source.warnings)
    assert "正文内容。" in source.text
    assert "newspaper" not in source.text and "---" not in source.text
    assert source.meta.newspaper is None


def test_bad_front_matter_date_is_warned_and_ignored(tmp_path: Path) -> None:
    source = read(tmp_path, "2023-08-25.txt", "---\ndate: 去年夏天\n---\n正文。\n")
    assert any("去年夏天" in w for w in source.warnings)
    assert source.meta.date == IssueDate("2023-08-25", "day", "filename")


def test_front_matter_that_is_not_a_mapping(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "---\n- 一\n- 二\n---\n正文。\n")
    assert any("键: 值" in w for w in source.warnings)
    assert source.text.strip() == "正文。"


def test_unclosed_front_matter_is_kept_as_text_with_a_warning(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "---\ndate: 2023-08-25\n正文。\n")
    assert "正文。" in source.text and "date: 2023-08-25" in source.text
    assert any("结束的“---”" in w for w in source.warnings)
    assert source.meta.date.source != "front-matter"


def test_a_leading_rule_is_not_front_matter(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "---\n本报讯 正文。\n")
    assert source.text == "---\n本报讯 正文。\n"
    assert source.warnings == ("无法确定日期：文件名和正文都没有日期线索；可在头部信息中写明 date",)


# --- sidecars -----------------------------------------------------------------------------

def test_toml_sidecar(tmp_path: Path) -> None:
    write(tmp_path, "scan01.meta.toml", 'newspaper = "平顶山日报"\ndate = 2023-08-25\n'
                                        'edition = "第3版"\n')
    source = read(tmp_path, "scan01.txt", "正文。\n")
    assert source.meta.newspaper == "平顶山日报"
    assert source.meta.date == IssueDate("2023-08-25", "day", "sidecar")
    assert source.meta.edition == "第3版"


def test_yaml_sidecar_wins_over_front_matter_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "scan01.yaml", "date: 2023-08-26\n")
    source = read(tmp_path, "scan01.txt", "---\ndate: 2023-08-25\ntitle: 要闻\n---\n正文。\n")
    assert source.meta.date == IssueDate("2023-08-26", "day", "sidecar")
    assert source.meta.title == "要闻"
    assert any("不一致" in w and "2023-08-25" in w for w in source.warnings)


def test_broken_sidecar_is_named_and_ignored(tmp_path: Path) -> None:
    write(tmp_path, "scan01.meta.toml", "date = \n")
    source = read(tmp_path, "scan01.txt", "正文。\n")
    assert any("content/scan01.meta.toml" in w and "格式有误" in w for w in source.warnings)
    assert source.meta.date.value is None


# --- dates --------------------------------------------------------------------------------

def test_date_from_file_name(tmp_path: Path) -> None:
    source = read(tmp_path, "pdsrb_20230825_A3.txt", "正文。\n")
    assert source.meta.date == IssueDate("2023-08-25", "day", "filename")


def test_date_inferred_from_text_is_warned(tmp_path: Path) -> None:
    source = read(tmp_path, "000_711755368b4ee13f.txt",
                  "8月16日，社区举办2023暑期关爱活动。截至8月24日，共计……\n")
    assert source.meta.date == IssueDate("2023-08", "month", "inferred")
    assert any(w.startswith("日期由正文推断为 2023年8月（依据：") for w in source.warnings)


def test_month_without_year_stays_unknown(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "8月16日，社区举办活动。\n")
    assert source.meta.date == IssueDate()
    assert any("8月" in w and "没有年份线索" in w for w in source.warnings)


def test_newspaper_is_not_guessed_from_benbao(tmp_path: Path) -> None:
    assert read(tmp_path, "a.txt", SIMPLIFIED).meta.newspaper is None


# --- duplicate claims ---------------------------------------------------------------------

def _source(rel: str, sha: str, newspaper: str | None, date: str | None,
            edition: str | None = None, source: str = "front-matter") -> Source:
    precision = "day" if date and len(date) == 10 else ("month" if date else None)
    return Source(rel, sha, "utf-8", "txt", "正文",
                  SourceMeta(newspaper, IssueDate(date, precision, source), edition))  # type: ignore[arg-type]


def test_same_paper_and_day_are_flagged_on_both_files() -> None:
    found = duplicate_claims([
        _source("content/a.txt", "1", "日报", "2023-08-25"),
        _source("content/b.txt", "2", "日报", "2023-08-25"),
        _source("content/c.txt", "3", "日报", "2023-08-26"),
    ])
    assert set(found) == {"content/a.txt", "content/b.txt"}
    assert "content/b.txt" in found["content/a.txt"][0]
    assert "日报 2023-08-25" in found["content/b.txt"][0]


def test_different_editions_or_papers_or_vague_dates_are_not_duplicates() -> None:
    assert duplicate_claims([
        _source("content/a.txt", "1", "日报", "2023-08-25", "第1版"),
        _source("content/b.txt", "2", "日报", "2023-08-25", "第2版"),
        _source("content/c.txt", "3", "晚报", "2023-08-25", "第1版"),
        _source("content/d.txt", "4", "晚报", "2023-08", "第1版"),
        _source("content/e.txt", "5", "晚报", "2023-08", "第1版"),
        _source("content/f.txt", "6", None, "2023-08-25"),
        _source("content/g.txt", "7", None, "2023-08-25"),
    ]) == {}


def test_identical_files_are_flagged() -> None:
    found = duplicate_claims([
        _source("content/a.txt", "same", None, None),
        _source("content/copy of a.txt", "same", None, None),
    ])
    assert "content/copy of a.txt" in found["content/a.txt"][0]
    assert "完全相同" in found["content/copy of a.txt"][0]


# --- properties ---------------------------------------------------------------------------

_FIXTURE_OK = [HealthCheck.function_scoped_fixture]  # tmp_path is reused; each case rewrites

@settings(max_examples=150, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_give_a_source_or_a_read_error(tmp_path: Path, data: bytes) -> None:
    try:
        source = read(tmp_path, "x.txt", data)
    except ReadError as exc:
        assert str(exc).startswith("content/x.txt：")
    else:
        assert source.text.strip()
        assert "\ufffd" not in source.text and "\x00" not in source.text


_printable = st.characters(
    categories=("L", "N", "P", "S", "Zs"), exclude_characters="\ufeff\u2028\u2029\ufffd")
_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_body = st.lists(st.one_of(_cjk, _cjk, _printable, st.just("\n")), min_size=1, max_size=300)


def _valid_body(chars: list[str]) -> str | None:
    text = "".join(chars)
    if not text.strip() or text.lstrip().startswith("-") or sum(c >= "\u4e00" for c in text) < 8:
        return None
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(chars=_body)
def test_utf8_text_is_never_lost(tmp_path: Path, chars: list[str]) -> None:
    text = _valid_body(chars)
    if text is None:
        return
    source = read(tmp_path, "x.txt", text.encode("utf-8"))
    assert source.text == text
    assert source.encoding == "utf-8"


_gb2312 = st.sampled_from(SIMPLIFIED.replace("\n", "") + "的一是不了人我在有他这为之大来以个中上们")
_gb_punct = st.sampled_from("，。、；：？！“”（）0123456789 \n")
_gb_body = st.lists(st.one_of(_gb2312, _gb2312, _gb_punct), min_size=8, max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(chars=_gb_body)
def test_gb18030_text_is_never_lost(tmp_path: Path, chars: list[str]) -> None:
    text = _valid_body(chars)
    if text is None:
        return
    source = read(tmp_path, "x.txt", text.encode("gb18030"))
    assert source.text == text
    assert source.encoding in ("gb18030", "utf-8")


@pytest.mark.parametrize(("raw", "shown"), [
    ("content/第三版.txt".encode("gbk"), "content/第三版.txt"),
    (b"content/\xff\xfe.txt", "content/\\xff\\xfe.txt"),
    ("content/普通.txt".encode(), "content/普通.txt"),
])
def test_non_utf8_file_names_are_made_printable(raw: bytes, shown: str) -> None:
    from baoku.read import printable_name

    assert printable_name(raw.decode("utf-8", "surrogateescape")) == shown


def test_edition_from_file_name_unless_declared(tmp_path: Path) -> None:
    assert read(tmp_path, "pdsrb_20230825_A3.txt", "正文。\n").meta.edition == "A3"
    declared = read(tmp_path, "x_A3.txt", "---\nedition: 第5版\n---\n正文。\n")
    assert declared.meta.edition == "第5版"


def test_short_utf8_with_a_bad_byte_is_not_read_as_gbk_mojibake(tmp_path: Path) -> None:
    data = ("示范区新闻" * 10).encode()
    source = read(tmp_path, "a.txt", data[:9] + b"\xff" + data[9:])
    assert source.encoding == "utf-8"
    assert source.text == "示范区新闻" * 10


def test_stated_date_contradicted_by_the_dateline_is_warned(tmp_path: Path) -> None:
    source = read(tmp_path, "2023-08-26.txt", "2023年8月25日 星期五\n本报讯 正文。\n")
    assert source.meta.date == IssueDate("2023-08-26", "day", "filename")
    assert any("文件名中的日期 2023-08-26" in w and "不一致" in w for w in source.warnings)
    agreeing = read(tmp_path, "2023-08.txt", "2023年8月25日 星期五\n本报讯 正文。\n")
    assert not any("不一致" in w for w in agreeing.warnings)


@pytest.mark.parametrize("front", [
    "date: 2023-02-30",  # YAML would build a date and fail
    "date: 2023-13-01",
    "title: " + "[" * 1000 + "]" * 1000,  # nesting deep enough to exhaust recursion
    "title: !!python/object:os.system x",
    "a: &a [*a]",
])
def test_hostile_front_matter_never_stops_the_file(tmp_path: Path, front: str) -> None:
    source = read(tmp_path, "a.txt", f"---\n{front}\n---\n正文。\n")
    assert source.text.strip() == "正文。"
    assert source.meta.date.source != "front-matter"
    if "date" in front:
        assert any("无法识别" in w for w in source.warnings)


_yaml_ish = st.lists(st.sampled_from(
    ["date", "newspaper", "edition", "title", ":", ": ", "\n", "- ", "[", "]", "{", "}", "&a ",
     "*a", "!!", "2023-02-30", "2023-08-25", "20230825", "'", '"', "#", "|", "?", "日报", "3",
     "null", "\t", "  ", "="]), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(front=_yaml_ish, sidecar=_yaml_ish)
def test_any_front_matter_or_sidecar_keeps_the_body(tmp_path: Path, front: str,
                                                   sidecar: str) -> None:
    write(tmp_path, "x.meta.toml", sidecar)
    source = read(tmp_path, "x.txt", f"---\n{front}\n---\n正文。\n")
    assert "正文。" in source.text


def test_short_gbk_that_is_also_valid_utf8(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "通讯员 ".encode("gbk"))  # as UTF-8: "ͨѶԱ "
    assert (source.encoding, source.text) == ("gb18030", "通讯员 ")


def test_accented_latin_utf8_stays_utf8(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "café naïve résumé".encode())
    assert (source.encoding, source.text) == ("utf-8", "café naïve résumé")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_or_ascii(tmp_path: Path, encoding: str) -> None:
    text = "的操心事、烦心事、揪心事，以民生‘温度’标注幸福‘刻度’，让群众获得感成色更足。"
    source = read(tmp_path, "a.txt", text.encode(encoding))
    assert (source.encoding, source.text) == (encoding, text)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=100, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(chars=_gb_body, encoding=st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_utf16_without_bom_is_never_lost(tmp_path: Path, chars: list[str],
                                         encoding: str) -> None:
    text = _valid_body(chars)
    if text is None or _is_utf8(text.encode(encoding)):
        return  # bytes valid as UTF-8 ("本" is ",g" in UTF-16 LE) are read as UTF-8
    source = read(tmp_path, "x.txt", text.encode(encoding))
    assert (source.encoding, source.text) == (encoding, text)


def test_list_values_are_warned_not_silently_dropped(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "---\nnewspaper: [日报, 晚报]\ntitle: 要闻\n---\n正文。\n")
    assert source.meta.newspaper is None and source.meta.title == "要闻"
    assert any("newspaper" in w and "列表" in w for w in source.warnings)


def test_only_one_sidecar_is_used(tmp_path: Path) -> None:
    write(tmp_path, "scan01.meta.toml", 'date = "2023-08-25"\n')
    write(tmp_path, "scan01.yaml", "date: 2023-08-26\n")
    source = read(tmp_path, "scan01.txt", "正文。\n")
    assert source.meta.date.value == "2023-08-25"
    assert any("content/scan01.yaml" in w and "忽略" in w for w in source.warnings)


def test_unrepairable_latin_mojibake_is_warned(tmp_path: Path) -> None:
    # Bytes lost on the way (cp1252 has holes), so the round trip cannot be undone.
    garbled = SIMPLIFIED.encode("utf-8").decode("cp1252", errors="ignore")
    source = read(tmp_path, "a.txt", garbled)
    assert any("未能自动还原" in w for w in source.warnings)
    clean = read(tmp_path, "b.txt", "café naïve résumé à la carte, déjà vu")
    assert not any("乱码" in w for w in clean.warnings)


def test_valid_utf8_in_other_scripts_is_kept(tmp_path: Path) -> None:
    text = "Новости дня. 오늘의 뉴스. ニュース。"
    assert read(tmp_path, "a.txt", text).text == text


def test_replacement_characters_already_in_the_file_are_removed(tmp_path: Path) -> None:
    source = read(tmp_path, "a.txt", "社区\ufffd\ufffd活动。\n")
    assert source.text == "社区活动。\n"
    assert any("2 个替换符" in w for w in source.warnings)


@given(text=st.text(alphabet=st.one_of(st.characters(), st.characters(min_codepoint=0x3400,
                                                                      max_codepoint=0xFAFF))))
def test_cjk_characters_are_picked_as_the_pattern_picks_them(text: str) -> None:
    assert _cjk_only(text) == "".join(_CJK_CHARS.findall(text))


def test_cjk_characters_are_picked_beside_lone_surrogates() -> None:
    assert _cjk_only("a\udc80中文\ud800，字") == "中文字"
