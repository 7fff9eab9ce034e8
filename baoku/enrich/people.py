"""Credited people: names without spaces, titles or duplicates."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import TypedDict

from ..cjk import HAN
from ..model import Article

# Titles printed before or after a name in credits; longest first so 见习记者 beats 记者.
TITLES = tuple(sorted(
    [
        "本报融媒体记者", "融媒体记者", "本报记者", "见习记者", "特约记者", "首席记者",
        "实习记者", "记者", "通讯员", "实习生", "摄影记者", "摄影", "文/图",
        "图/文", "编辑", "责任编辑", "本报", "特约通讯员"
    ],
    key=len, reverse=True,
))
NOT_NAMES = frozenset({"本报讯", "新华社", "本报综合", "综合报道", "佚名"})
SPACE_RE = re.compile(r"[\s\u3000]+")
EDGE_PUNCT = "()（）[]【】<>《》“”\"'‘’:：,，、;；.。/"
# Han names of 2–4 characters, longer transliterated names joined by ·, Latin names.
NAME_RE = re.compile(
    f"^[{HAN}]{{2,4}}$"
    f"|^[{HAN}]+(?:[·•][{HAN}]+)+$"
    r"|^[A-Za-z][A-Za-z .'-]{1,40}$"
)


def normalise_name(raw: str) -> str | None:
    """One credited name, or None when nothing name-like is left."""
    name = raw.strip().strip(EDGE_PUNCT)
    changed = True
    while changed:
        changed = False
        for title in TITLES:
            if name.startswith(title) and len(name) >= len(title) + 2:
                name, changed = name[len(title):].strip(EDGE_PUNCT + " "), True
            if name.endswith(title) and len(name) >= len(title) + 2:
                name, changed = name[:-len(title)].strip(EDGE_PUNCT + " "), True
        if name.endswith("摄") and len(name.rstrip(" 摄")) >= 2:
            name, changed = name[:-1].rstrip(), True
    if re.search(f"[{HAN}]", name):
        name = SPACE_RE.sub("", name)
    if name in TITLES or name in NOT_NAMES:
        return None
    return name if NAME_RE.match(name) else None


def normalise_names(names: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = (normalise_name(n) for n in names)
    return tuple(dict.fromkeys(n for n in cleaned if n))


class Credits(TypedDict):
    reporters: tuple[str, ...]
    correspondents: tuple[str, ...]
    photographers: tuple[str, ...]


def normalised_people(article: Article) -> Credits:
    """The article's credit fields with their names cleaned, for ``replace``."""
    return {
        "reporters": normalise_names(article.reporters),
        "correspondents": normalise_names(article.correspondents),
        "photographers": normalise_names(article.photographers),
    }


# The commonest Chinese surnames: a name whose first character is not one of them, beside
# a name of the same role in the same issue that differs only there and starts with one,
# is taken for a misread of it (率岩 beside 李岩).
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席"
    "卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟"
    "邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉"
    "冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
ROLES = ("reporters", "correspondents", "photographers")
ROLE_LABELS = {"reporters": "记者", "correspondents": "通讯员", "photographers": "摄影"}


def misread_of(name: str, others: Collection[str]) -> str | None:
    """The name in ``others`` that ``name`` is an OCR misreading of, if any: the same
    length, the same but for a first character that is no common surname where the
    other's is one."""
    if len(name) < 2 or name[0] in COMMON_SURNAMES:
        return None
    for other in others:
        if len(other) == len(name) and other[1:] == name[1:] and other[0] in COMMON_SURNAMES:
            return other
    return None


def merge_misread_names(articles: Sequence[Article]) -> tuple[tuple[Article, ...], tuple[str, ...]]:
    """Each role's misread names folded into the name they misread, across one issue;
    returns the articles and a note for the librarian per name folded (the bylines stay as
    printed)."""
    notes: list[str] = []
    renames: dict[str, dict[str, str]] = {}
    for role in ROLES:
        names = {n for a in articles for n in getattr(a, role)}
        renames[role] = {n: m for n in sorted(names) if (m := misread_of(n, names))}
        notes += [f"{ROLE_LABELS[role]}“{n}”疑为“{m}”的识别错误（同一期同一身份），已按“{m}”归并"
                  for n, m in renames[role].items()]
    if not notes:
        return tuple(articles), ()
    merged = tuple(replace(a, **{role: tuple(dict.fromkeys(renames[role].get(n, n)
                                                            for n in getattr(a, role)))
                                 for role in ROLES}) for a in articles)
    return merged, tuple(notes)
