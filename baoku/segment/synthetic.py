"""Labelled practice pages made from layout conventions, in placeholder words.

Newspapers share a small grammar of layout: a headline stack (kicker, headline,
subtitle), a byline in one of a dozen shapes (``本报讯（记者 X）``, a dateline with ``电``,
a bare or padded name, ``□记者 X``, ``文/图``), paragraphs, subheadings, photo captions
with credits, bylines at the end, briefs columns, letters and photo items without a
headline. This module writes pages in that grammar with a seeded random choice of
shapes, every line labelled with its role, so the line-role model meets every shape
whatever paper its annotated pages come from. The words are filler; only the layout
facts (line lengths, punctuation, markers) are real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .roles import Role

_WORDS = ("工作", "推进", "发展", "项目", "群众", "服务", "建设", "活动", "城市", "乡村",
          "企业", "社区", "文化", "产业", "经济", "措施", "计划", "成效", "改革", "创新",
          "学校", "居民", "道路", "农田", "市场", "技术", "设施", "环境", "队伍", "制度",
          "交流", "培训", "保障", "质量", "资源", "平台", "机制", "提升", "完善", "落实")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂华建国志红玉兰海波鹏飞宇航晨阳"
_PLACES = ("北京", "上海", "郑州", "杭州", "广州", "成都", "西安", "南京", "长沙", "济南")
# How often an article's title stack has each part. Two-line headlines were 0.12 and
# subtitles 0.15: on the fixtures' 262 real title stacks they are 1.1% and 11%, and at the
# old rates the model read kicker + headline as one two-line headline on unseen papers.
# Kickers stay above the real 21% (lowering them cost held-out F1): unmarked kickers are
# the shape the practice pages exist to teach.
KICKER_RATE = 0.3
TWO_LINE_HEADLINE_RATE = 0.02
SUBTITLE_RATE = 0.08
_COLUMNS = ("人民时评", "快评", "民生观", "一线调查", "今日关注", "社区新闻", "身边事")


@dataclass(frozen=True)
class PracticePage:
    lines: tuple[tuple[str, Role], ...]  # (text, role); "" for a blank line

    def text(self) -> str:
        return "\n".join(t for t, _ in self.lines)

    def roles(self) -> list[Role]:
        return [r for t, r in self.lines if t.strip()]


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.out: list[tuple[str, Role]] = []
        self.blank = rng.random() < 0.75  # blank line between paragraphs

    def line(self, text: str, role: Role) -> None:
        if self.out and self.blank:
            self.out.append(("", "junk"))
        self.out.append((text, role))

    def phrase(self, low: int, high: int) -> str:
        n = self.rng.randint(low, high)
        words: list[str] = []
        while sum(len(w) for w in words) < n:
            words.append(self.rng.choice(_WORDS))
        return "".join(words)[:n]

    def sentence(self, low: int = 8, high: int = 40) -> str:
        parts = [self.phrase(4, 12) for _ in range(self.rng.randint(1, 3))]
        text = "，".join(parts)
        if self.rng.random() < 0.2:
            text = f"“{text}”"
        return text[:high] + self.rng.choice("。。。。！？")

    def paragraph(self, low: int = 40, high: int = 260) -> str:
        target = self.rng.randint(low, high)
        text = ""
        while len(text) < target:
            text += self.sentence()
        if self.rng.random() < 0.15:
            text = f"{self.rng.randint(1, 12)}月{self.rng.randint(1, 28)}日，" + text
        return text

    def name(self) -> str:
        given = "".join(self.rng.choice(_GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(_SURNAMES) + given

    def printed(self, name: str) -> str:
        """A name as a paper may set it: two-character names padded to three."""
        if len(name) == 2 and self.rng.random() < 0.3:
            return f"{name[0]}  {name[1]}"
        return name

    def headline(self) -> str:
        text = self.phrase(6, 18)
        shape = self.rng.random()
        if shape < 0.2:
            text = f"{self.phrase(3, 7)} {self.phrase(3, 7)}"
        elif shape < 0.35:
            text = f"{self.phrase(2, 6)}“{self.phrase(2, 4)}”{self.phrase(2, 6)}"
        elif shape < 0.45:
            text = f"{self.phrase(4, 8)}，{self.phrase(4, 8)}"
        if self.rng.random() < 0.15:
            text += f"（{self.rng.choice(_COLUMNS)}）"
        return text


def _byline(w: _Writer) -> tuple[str, str]:
    """(byline line or "", prefix for the first paragraph)."""
    r = w.rng.random()
    reporter, other = w.name(), w.name()
    place = w.rng.choice(_PLACES)
    date = f"{w.rng.randint(1, 12)}月{w.rng.randint(1, 28)}日"
    if r < 0.2:
        return "", f"本报讯（记者{reporter} 通讯员{other}）"
    if r < 0.3:
        return "", f"本报{place}{date}电  （记者{w.printed(reporter)}）"
    if r < 0.36:
        return "", "本报讯 "
    if r < 0.42:
        return "", f"新华社{place}{date}电  "
    if r < 0.55:
        return w.printed(reporter), ""
    if r < 0.65:
        return f"本报记者  {w.printed(reporter)}  {w.printed(other)}", ""
    if r < 0.72:
        return f"□记者 {reporter}", "本报讯 "
    if r < 0.78:
        return f"文/本报记者 {reporter} 实习生 {other}", ""
    if r < 0.83:
        return f"记者 {reporter} 通讯员 {other}", ""
    if r < 0.87:
        return f"{w.phrase(4, 8)} {w.printed(reporter)}", ""
    return "", ""


def _article(w: _Writer) -> None:
    rng = w.rng
    if rng.random() < KICKER_RATE:
        w.line(rng.choice((f"{w.phrase(3, 7)} {w.phrase(3, 7)}", w.phrase(6, 16),
                           f"{w.phrase(6, 14)}——", f"{w.phrase(6, 12)}：")), "kicker")
    w.line(w.headline(), "headline")
    if rng.random() < TWO_LINE_HEADLINE_RATE:
        w.line(w.phrase(6, 14), "headline")  # a headline set over two lines
    if rng.random() < SUBTITLE_RATE:
        w.line(rng.choice((f"——{w.phrase(8, 18)}", w.phrase(8, 20))), "subtitle")
    byline, prefix = _byline(w)
    if byline:
        w.line(byline, "byline")
    if rng.random() < 0.15:
        _caption(w)
    if rng.random() < 0.1:
        w.line(f"核心阅读 {w.sentence()}{w.sentence()}", "body")
    texts = [w.paragraph() for _ in range(rng.randint(1, 9))]
    if len(texts) > 2 and rng.random() < 0.15:  # a pull quote: a body sentence set large
        quote = texts[1][:rng.randint(12, 30)]
        w.line(quote, "junk")
    paragraphs = len(texts)
    for n, text in enumerate(texts):
        if n and paragraphs > 4 and rng.random() < 0.15:
            w.line(rng.choice((w.phrase(6, 14), f"{w.phrase(6, 14)}？",
                               f"【{w.phrase(2, 4)}】", f"{w.phrase(3, 6)}：")), "section")
        if n == 0 and prefix:
            text = prefix + text
        if rng.random() < 0.08 and len(text) > 60:  # a column break inside a paragraph
            cut = rng.randint(15, len(text) - 15)
            w.line(text[:cut], "body")
            w.line(text[cut:], "body")
            continue
        w.line(text, "body")
    if rng.random() < 0.1:
        _caption(w)
    if not byline and not prefix and rng.random() < 0.5:
        name = w.name()
        w.line(rng.choice((f"（{w.printed(name)}）", f"（本报记者 {name}）",
                           f"记者 {name} 通讯员 {w.name()}",
                           f"（作者为本报{w.phrase(2, 4)}记者）")), "tail")


def _photo_news(w: _Writer) -> None:
    """A short headline over one paragraph that ends with the photographer's credit."""
    w.line(w.phrase(4, 10), "headline")
    credit = w.rng.choice((f"记者{w.name()}摄", f"记者{w.name()}实习生{w.name()}摄",
                           f"（{w.name()} 摄）", f"本报记者 {w.name()} 摄"))
    w.line(w.paragraph(40, 140) + credit, "body")


def _caption(w: _Writer) -> None:
    rng = w.rng
    mark = rng.choice(("图①：", "图②：", "图为", "上图：", "▲", ""))
    text = f"{mark}{w.sentence(10, 50)}"
    credit = rng.choice((f"本报记者 {w.name()} 摄", f"{w.printed(w.name())}摄（人民视觉）",
                         "受访者供图", f"{w.name()} 摄", f"数据来源：{w.phrase(4, 8)}"))
    if rng.random() < 0.5:
        w.line(f"{text} {credit}", "caption")
    else:
        w.line(text, "caption")
        w.line(credit, "caption")


def _briefs(w: _Writer) -> None:
    """A briefs column: a label, then items each closed by a bracketed contributor."""
    w.line(w.rng.choice(("简讯", "工作动态", "短波", w.phrase(4, 6))), "headline")
    mark = w.rng.choice("▲△●■")
    for _ in range(w.rng.randint(2, 5)):
        text = f"{mark}{w.paragraph(30, 90)}"
        if w.rng.random() < 0.5:
            w.line(f"{text}（{w.printed(w.name())}）", "body")
        else:
            w.line(text, "body")
            w.line(f"（{w.name()}）", "body")


def _headless_item(w: _Writer) -> None:
    """Photo items or briefs without headlines (a paper marks every item of a run the same
    way, often closing each with its contributors), or a letter."""
    if w.rng.random() < 0.5:
        style = w.rng.choice(("figure", "上图：", "●", "▲", "■", ""))
        closed = w.rng.random() < 0.5
        for n in range(w.rng.randint(1, 4)):
            mark = f"图{n + 1}：" if style == "figure" else style
            close = f"（{w.name()}/摄）" if closed and mark.startswith("图") \
                else f"（{w.name()} {w.name()}）" if closed else ""
            w.line(f"{mark}{w.paragraph(60, 160)}{close}", "opener")
        if w.rng.random() < 0.5:
            w.line(f"记者 {w.name()} 摄", "tail")
    else:
        w.line(w.paragraph(60, 200), "opener")
        w.line(f"{w.phrase(4, 10)} {w.name()}", "tail")


def _furniture(w: _Writer) -> None:
    w.line(w.rng.choice((f"第{w.rng.randint(1, 16)}版", f"责任编辑：{w.name()}",
                         f"本版编辑 {w.name()}", "图片", w.phrase(1, 1))), "junk")


def practice_page(seed: int) -> PracticePage:
    rng = random.Random(seed)
    w = _Writer(rng)
    if rng.random() < 0.3:
        _furniture(w)
    for _ in range(rng.randint(2, 7)):
        r = rng.random()
        if r < 0.08:
            _briefs(w)
        elif r < 0.14:
            _headless_item(w)
        elif r < 0.2:
            for _ in range(rng.choice((1, 1, 2, 3))):  # photo news often fill a page
                _photo_news(w)
        else:
            _article(w)
        if rng.random() < 0.1:
            _furniture(w)
    return PracticePage(tuple(w.out))
