"""Bylines and photo credits: recognising them and pulling out people's names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..cjk import HAN

NAME = rf"[{HAN}]{{2,4}}"
_NAME_RE = re.compile(rf"^{NAME}$")
_HAN_CHAR = re.compile(f"[{HAN}]")
# Role words that precede names in a byline; order matters (longest first).
_ROLE = (rf"(?:本报|本刊|特约|见习|实习|首席)?(?:融媒体?|全媒体|摄影|[{HAN}]{{1,4}}融媒体?)?记者"
         r"|(?:特约)?通讯员|实习生")
_ROLE_RE = re.compile(_ROLE)
_CORRESPONDENT = re.compile(r"通讯员|实习生")
_OPEN, _CLOSE = "(（", ")）"
# "本报讯（记者张亚丹）", "本报讯(记者 李岩 通讯员 丰一帆)": the byline is the head of the line.
_LEAD_NEWS = re.compile(
    rf"^(?P<byline>[{HAN}\d]{{0,16}}(?:讯|电)\s?[{_OPEN}](?P<people>[^{_CLOSE}]{{0,60}})[{_CLOSE}])")
# "本报讯 记者 张三 通讯员 李四 近日，…" (no brackets) or a bare "本报讯近日，…".
_LEAD_BARE = re.compile(
    rf"^(?!据)(?P<byline>[{HAN}]{{0,8}}(?:报|刊|台|网)讯(?P<people>(?:\s?(?:{_ROLE})\s?{NAME}"
    rf"(?:\s+{NAME})*)*))(?:(?<=讯)(?=[^\s{_OPEN}，。、：；,.:;])|\s+(?=\S))")
# "本报融媒体记者 李岩 通讯员 王鹏" or "□记者 郭伟 文/图" on a line of its own (papers often
# print a bullet square before such a byline).
_BULLET = "□■◆◇●○"
_STANDALONE = re.compile(
    rf"^(?:[{_BULLET}]\s?)?(?:文\s?/\s?(?:图\s?)?)?"
    rf"(?:(?:{_ROLE})\s?(?:{NAME})(?:[\s、，]+{NAME})*\s?)+"
    r"(?:(?:文\s?/\s?图|图\s?/\s?文|文图)\s?)?$")
# "（本报记者 朱江森 文/图）", "(本报记者 邱爽)" on a line of its own, usually after the body.
_TAIL = re.compile(
    rf"^[{_OPEN}]\s?(?P<people>(?:{_ROLE})[^{_CLOSE}]{{1,40}})[{_CLOSE}]$")
_CREDIT_WORD = re.compile(r"\s?/?\s?(?:摄影报道|摄影|摄)$")
# What a line must end with for _CREDIT_WORD to match (``$`` also matches before a final
# newline): checked first, as nearly every line is not a credit and the search scans it all.
_CREDIT_ENDINGS = tuple(e + n for e in ("摄影报道", "摄影", "摄") for n in ("", "\n"))
# What a credit may print before the names: "图片由", "图/", and for a whole set of pictures
# "以上图片均为", "本版图片均由", "上图为" (layout convention of 人民日报 and many dailies).
_CREDIT_PREFIX = r"(?:图片由|图/|(?:以上|上|下|本版|本组)?图片?(?:均|皆)?(?:为|由))"
_CREDIT_TOKEN = re.compile(rf"^{_CREDIT_PREFIX}?(?:(?:{_ROLE})\s?)?(?:{NAME})?$")
_SENTENCE_END = "。！？；…"
_GROUP_CREDIT = re.compile(r"^(?:以上|本版|本组)图片?(?:均|皆)(?:为|由)")
_BRACKETED_CREDIT = re.compile(rf"[{_OPEN}](?P<inner>[^{_OPEN}{_CLOSE}]{{2,40}})[{_CLOSE}]$")


@dataclass(frozen=True)
class People:
    reporters: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeadByline:
    byline: str  # as printed (spaced text)
    rest: str  # the text after the byline on the same line (first paragraph), may be ""
    people: People


def visible_split(cleaned: str, printed: str) -> tuple[str, str]:
    """Cut ``cleaned`` after as many non-space characters as ``printed`` has.

    ``printed`` is a prefix of the same line in its spaced form (see ``clean.spaced_text``);
    both forms hold the same non-space characters, so this finds the same cut in the
    cleaned text.
    """
    wanted = sum(1 for ch in printed if not ch.isspace())
    seen = 0
    for pos, ch in enumerate(cleaned):
        if seen == wanted:
            return cleaned[:pos].strip(), cleaned[pos:].strip()
        if not ch.isspace():
            seen += 1
    return cleaned.strip(), ""


# Common surnames, to cut a run of names printed without spaces ("李岩王鹏").
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
                      "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫")
_NAME_SPLITS = {4: ((2, 2),), 5: ((3, 2), (2, 3)), 6: ((3, 3), (2, 2, 2)),
                7: ((3, 2, 2), (2, 3, 2), (2, 2, 3)), 8: ((3, 3, 2), (3, 2, 3), (2, 3, 3))}


def _starts_like_a_name(part: str) -> bool:
    return part[0] in _SURNAMES or part.startswith(_COMPOUND_SURNAMES)


def split_names(token: str) -> list[str]:
    """One name, or several printed without spaces ("李岩王鹏" -> 李岩, 王鹏)."""
    if not re.fullmatch(f"[{HAN}]{{2,8}}", token):
        return []
    if len(token) <= 3 or (len(token) == 4 and token.startswith(_COMPOUND_SURNAMES)):
        return [token]
    for sizes in _NAME_SPLITS.get(len(token), ()):
        parts, pos = [], 0
        for size in sizes:
            parts.append(token[pos:pos + size])
            pos += size
        if all(_starts_like_a_name(p) for p in parts):
            return parts
    return [token] if len(token) == 4 else []


def _merge_lone_characters(tokens: list[str]) -> list[str]:
    """OCR spaces inside a name ("张 亚丹"): glue a lone character to the next token."""
    merged: list[str] = []
    carry = ""
    for token in tokens:
        if not token:
            continue
        if len(token) == 1 and not carry:
            carry = token
            continue
        merged.append(carry + token)
        carry = ""
    if carry:
        merged.append(carry)
    return merged


def _names_after_roles(text: str) -> People:
    """Split "记者 李岩 通讯员 王鹏" into reporters and correspondents."""
    reporters: list[str] = []
    correspondents: list[str] = []
    matches = list(_ROLE_RE.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        chunk = re.sub(r"文/图|图/文|文图|摄影报道|摄影|摄$|报道", " ", text[match.end():end])
        names = [n for token in _merge_lone_characters(re.split(r"[\s、，,/]+", chunk))
                 for n in split_names(token)]
        target = correspondents if _CORRESPONDENT.fullmatch(match.group()) else reporters
        target.extend(n for n in names if n not in target)
    return People(tuple(reporters), tuple(correspondents))


def parse_lead_byline(spaced: str) -> LeadByline | None:
    """A byline at the start of a line ("本报讯（记者…）…" or a bare "本报记者 X" line)."""
    match = _LEAD_NEWS.match(spaced)
    if match:
        return LeadByline(match.group("byline"), spaced[match.end():].strip(),
                          _names_after_roles(match.group("people")))
    bare = _LEAD_BARE.match(spaced)
    if bare and (bare.group("people") or bare.end() < len(spaced)):
        return LeadByline(bare.group("byline").strip(), spaced[bare.end():].strip(),
                          _names_after_roles(bare.group("people")))
    if len(spaced) <= 40 and _STANDALONE.match(spaced) and not _CREDIT_WORD.search(spaced):
        return LeadByline(spaced, "", _names_after_roles(spaced))
    return None


def parse_tail_byline(spaced: str) -> People | None:
    """A bracketed byline on a line of its own, e.g. "(本报记者 邱爽)"."""
    match = _TAIL.match(spaced)
    if not match or _CREDIT_WORD.search(match.group("people")):
        return None
    return _names_after_roles(match.group("people"))


@dataclass(frozen=True)
class Credit:
    caption: str  # text printed before the credit on the same line ("" for a bare credit)
    credit: str  # e.g. "本报记者 王尧 摄"
    photographers: tuple[str, ...]


def _credit_tokens(text: str) -> list[str]:
    """Whitespace-separated tokens, also split after sentence-final punctuation."""
    return [t for t in re.split(rf"\s+|(?<=[{_SENTENCE_END}])", text) if t]


def _photographers(tokens: list[str]) -> tuple[str, ...]:
    names: list[str] = []
    for token in tokens:
        name = _ROLE_RE.split(re.sub(rf"^{_CREDIT_PREFIX}", "", token))[-1]
        if _NAME_RE.match(name) and name not in names:
            names.append(name)
    return tuple(names)


# An agency or source printed after a credit: "黄  海摄（人民视觉）", "X 摄（新华社发）".
_AGENCY_AFTER = re.compile(r"(?<=[摄绘图])\s?[（(][^（）()]{2,10}[）)]$")
_AGENCY_WORD = re.compile(r"视觉|社|网|报|发")
# An illustration or chart credit on its own line: "洪  琥绘", "杜明阳 制图", "本报记者 X 绘图".
_ILLUSTRATION = re.compile(rf"^(?:(?:{_ROLE})\s?)?(?P<names>[{HAN}\s]{{2,14}}?)(?P<space>\s?)"
                           r"(?:绘图|制图|绘)$")


def is_role_byline(spaced: str) -> bool:
    """A byline line and nothing else, led by a role word: "本报记者  贺  勇"."""
    if len(spaced) > _ROLE_BYLINE_MAX or _CREDIT_WORD.search(spaced) \
            or not (_ROLE_RE.search(spaced) or _CORRESPONDENT.search(spaced)):
        return False
    names = re.split(r"[\s、]+", _CORRESPONDENT.sub(" ", _ROLE_RE.sub(" ", spaced)).strip())
    return all(_NAME_PIECE.match(name) for name in names)


_ROLE_BYLINE_MAX = 40
_NAME_PIECE = re.compile(f"^[{HAN}]{{1,4}}$")


def is_picture_credit(spaced: str) -> bool:
    """A credit line alone: "某某摄", "新华社记者某某摄", "某某局供图"."""
    credit = parse_credit(spaced)
    return (credit is not None and not credit.caption) or bool(_SUPPLIED.match(spaced))


_SUPPLIED = re.compile(r"^[^，。！？；,;]{2,24}(?:供图|提供)$")


def is_group_credit(spaced: str) -> bool:
    """One credit for every picture above it: "以上图片均为本报记者某某摄", "…均由某某提供"."""
    return bool(_GROUP_CREDIT.match(spaced)) and is_picture_credit(spaced)


def parse_credit(spaced: str) -> Credit | None:
    """A photo credit ending the line, bracketed ("…现场。（本报记者 张三 摄）") or not."""
    agency = _AGENCY_AFTER.search(spaced)
    if agency:
        inner = parse_credit(spaced[:agency.start()])
        if not inner and _AGENCY_WORD.search(agency.group(0)):
            inner = _parse_illustration(spaced[:agency.start()], agency=True)
        if inner:
            return Credit(inner.caption, f"{inner.credit}{spaced[agency.start():]}",
                          inner.photographers)
    bracketed = _BRACKETED_CREDIT.search(spaced)
    if bracketed:
        inner = _parse_bare_credit(bracketed.group("inner"))
        if inner and not inner.caption:
            caption = spaced[:bracketed.start()].strip()
            return Credit(caption, spaced[bracketed.start():].strip(), inner.photographers)
    return _parse_bare_credit(spaced) or _parse_illustration(spaced, agency=False)


def _parse_illustration(spaced: str, agency: bool) -> Credit | None:
    """A drawing or chart credited on a line of its own. It closes a picture like a photo
    credit but names no photographer. Without an agency after it, a space before the word
    or a padded name must show that names stand there, so a headline ending in 绘 is not
    read as a credit."""
    line = spaced.strip()
    found = _ILLUSTRATION.match(line)
    if not found:
        return None
    printed = found.group("names").split()
    tokens = _merge_lone_characters(printed)
    if not tokens or len(tokens) > 3 or not all(_NAME_RE.match(t) for t in tokens):
        return None
    padded = len(tokens) < len(printed)
    if not (agency or found.group("space") or padded or _ROLE_RE.match(line)):
        return None
    return Credit("", line, ())


def _parse_bare_credit(spaced: str) -> Credit | None:
    """A photo credit ending the line: "任召培 摄", "…创建。 任召培 摄", "图片由记者张亚丹摄"."""
    word = _CREDIT_WORD.search(spaced) if spaced.endswith(_CREDIT_ENDINGS) else None
    if not word:
        return None
    before = spaced[:word.start()]
    tokens = _credit_tokens(before)
    if len(tokens) >= 2 and all(len(t) == 1 and _HAN_CHAR.match(t) for t in tokens[-2:]):
        tokens[-2:] = [tokens[-2] + tokens[-1]]  # a two-character name padded: "黄  海摄"
    credit_tokens: list[str] = []
    while tokens and _CREDIT_TOKEN.match(tokens[-1]) and tokens[-1]:
        credit_tokens.insert(0, tokens.pop())
        if len(credit_tokens) > 6:
            return None
    photographers = _photographers(credit_tokens)
    if not photographers:
        return None
    # Where the credit starts in the line: after the last caption token.
    start = _credit_start(spaced, credit_tokens[0], len(tokens))
    return Credit(spaced[:start].strip(), spaced[start:].strip(), photographers)


def _credit_start(spaced: str, first_token: str, caption_token_count: int) -> int:
    if caption_token_count == 0:
        return 0
    pattern = re.compile(r"\s?".join(map(re.escape, first_token)))  # padded names too
    starts = [m.start() for m in pattern.finditer(spaced, 0, len(spaced) - 1)]
    return starts[-1]


# Words printed where a byline's names stand that name nobody.
_NOT_NAMES = frozenset({"编者", "本报", "记者", "本报记者", "评论员", "本报评论员", "拍友", "读者",
                        "作者", "通讯员", "实习生", "网友", "特约", "供图", "摄影", "综合"})
_BYLINE_NOISE = re.compile(
    rf"[{_BULLET}“”\"《》【】\[\]]|^——|——$|文\s?/\s?图|图\s?/\s?文|文图|^文\s?/|^图\s?/"
    r"|摄影报道|摄影|摄|（[^）]*视觉[^）]*）|\([^)]*视觉[^)]*\)|报道$")


# A place or a workplace signing a letter or a short piece: "某某县某某中学", "某某市某某厂".
_SIGNING_PLACE = re.compile(rf"^[{HAN}\d]{{2,14}}(?:省|市|县|区|旗|乡|镇|村|社区|街道|学|校|中|"
                            r"院|厂|局|所|站|司|队|办|委|会|部|信箱)$")


def is_signature(spaced: str) -> bool:
    """A place or workplace and a name, as a letter is signed: "某某县某某中学  王小川"."""
    place, *rest = spaced.split() or [""]
    padded = len(rest) == 2 and all(len(t) == 1 for t in rest)  # "李  明"
    name = "".join(rest) if len(rest) == 1 or padded else ""
    return bool(_SIGNING_PLACE.match(place)) and 2 <= len(name) <= 3 \
        and bool(_NAME_RE.match(name)) and _starts_like_a_name(name)


def parse_names(spaced: str) -> People:
    """People on a line the page uses as a byline, whatever its shape: role words and
    names ("本报记者  贺  勇  曹继炜"), bare or padded names ("王浩", "（郭  帅）")."""
    text = _BYLINE_NOISE.sub(" ", spaced)
    text = re.sub(rf"[{_OPEN}{_CLOSE}]", " ", text)
    if _ROLE_RE.search(text):
        return _names_after_roles(text)
    tokens = _merge_lone_characters(re.split(r"[\s、，,/]+", text))
    names = [n for token in tokens for n in split_names(token) if n not in _NOT_NAMES]
    return People(tuple(dict.fromkeys(names)), ())
