"""Deterministic synthetic corpus in the seeds' raw format, with its own ground truth."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = ROOT / "content"
DEFAULT_TOPICS = ROOT / "baoku" / "data" / "topics.toml"

PAPERS = ("pdsrb", "sqrb", "pdswb")
# County-level names from the national gazetteer plus the local places of content/places.toml.
DISTRICTS = ("新华区", "卫东区", "湛河区", "石龙区", "舞钢市", "汝州市", "宝丰县", "叶县",
             "鲁山县", "郏县", "梁园区", "睢阳区", "示范区")
TOWNS = ("湖滨路街道", "应滨街道", "滨湖街道", "湛阳镇", "光华路街道", "东安路街道",
         "平原街道", "矿工路街道", "高阳镇", "尧山镇")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红玉兰文亚丹岩鹏森博雨帆源攀尧聪会"
KICKERS = ("我为群众办实事", "城市社区治理进行时", "聚焦高质量发展", "一线直击", "看一线",
           "奋进新征程 建功新时代", "基层风采", "民生关注", "特别报道", "图片新闻")
PHOTO_VERBS = ("参加志愿服务活动", "开展健康义诊", "参观展览", "进行技能培训", "清理卫生死角",
               "参加文艺演出", "学习党的知识", "采摘果蔬")
SENTENCE = re.compile(r"[^。！？]*[。！？]+[”\"]?")
CLAUSE = re.compile(r"[，,；;、：:“”\"（）()《》。！？!?]")
MIN_SENTENCE, MAX_SENTENCE = 12, 120
# A paper's bylines come from its staff, not from a new name per article: over a decade a
# local daily prints a few dozen staff reporters and photographers, and a few hundred
# correspondents (通讯员) from the offices it covers, each of them many times.
STAFF_REPORTERS, STAFF_PHOTOGRAPHERS, CORRESPONDENTS = 80, 15, 300


@dataclass(frozen=True)
class Pools:
    """Material sampled from the seeds: sentences, headline-like lines, clause fragments."""

    sentences: tuple[str, ...]
    headlines: tuple[str, ...]
    fragments: tuple[str, ...]
    by_topic: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Staff:
    """The people one paper's bylines name."""

    reporters: tuple[str, ...]
    photographers: tuple[str, ...]
    correspondents: tuple[str, ...]


@dataclass
class TruthArticle:
    headline: str
    district: str
    town: str
    topic: str
    reporters: list[str]
    photographer: str | None
    paragraphs: list[str]


@dataclass
class TruthIssue:
    file: str
    date: str
    paper: str
    page: int
    articles: list[TruthArticle] = field(default_factory=list)


def _is_prose(line: str) -> bool:
    return len(line) >= 30 and line[-1] in "。！？”\"" and "摄" not in line[-4:]


def _whole_sentence(text: str) -> bool:
    """Starts like a sentence (not mid-quote or mid-word after a column break), quotes paired."""
    return (MIN_SENTENCE <= len(text) <= MAX_SENTENCE and text.count("“") == text.count("”")
            and text.count("（") == text.count("）") and text.count("(") == text.count(")")
            and not re.match(r"[，,。、；;：:”\"）)]", text))


def _sentences(line: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(line) if _whole_sentence(s.strip())]


def _strip_byline(sentence: str) -> str:
    return re.sub(r"^本报讯[（(][^）)]*[）)]", "", sentence)


def _topic_words(topics_file: Path) -> dict[str, list[str]]:
    """Each topic's strongest keywords (weight ≥ 2) from the built-in taxonomy."""
    data = tomllib.loads(topics_file.read_text(encoding="utf-8"))
    return {t["name"]: [w for w, weight in t["words"].items() if weight >= 2]
            for t in data.get("topic", [])}


def load_pools(seeds: Sequence[Path], topics_file: Path = DEFAULT_TOPICS) -> Pools:
    sentences: set[str] = set()
    headlines: set[str] = set()
    for path in sorted(seeds):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip().removeprefix("## ").strip()
            if _is_prose(line):
                sentences.update(_strip_byline(s) for s in _sentences(line))
            elif 6 <= len(line) <= 24 and not re.search(r"[。摄记者]", line):
                headlines.add(line)
    ordered = tuple(sorted(s for s in sentences if len(s) >= MIN_SENTENCE))
    fragments = tuple(sorted({f.strip() for s in ordered for f in CLAUSE.split(s)
                              if 5 <= len(f.strip()) <= 12 and not re.search(r"\d", f)}))
    by_topic = {name: tuple(s for s in ordered if any(w in s for w in words))
                for name, words in _topic_words(topics_file).items()}
    if not ordered or not fragments:
        raise ValueError("种子文本中没有足够的句子")
    return Pools(ordered, tuple(sorted(headlines)) or fragments, fragments,
                 {k: v for k, v in by_topic.items() if v})


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2, 2))))


def staff(rng: random.Random) -> Staff:
    def names(count: int) -> tuple[str, ...]:
        return tuple(person(rng) for _ in range(count))

    return Staff(names(STAFF_REPORTERS), names(STAFF_PHOTOGRAPHERS), names(CORRESPONDENTS))


def headline(rng: random.Random, pools: Pools, district: str) -> str:
    shape = rng.random()
    if shape < 0.3:
        return rng.choice(pools.headlines)
    if shape < 0.6:
        return f"{rng.choice(pools.fragments)} {rng.choice(pools.fragments)}"
    return f"{district}{rng.choice(pools.fragments)}"


def byline(rng: random.Random, reporters: list[str], helper: str) -> tuple[str | None, str]:
    """(a byline line of its own or None, a prefix for the lead paragraph)."""
    names = reporters[0]
    shape = rng.randrange(6)
    if shape == 0:
        return None, f"本报讯（记者{names}）"
    if shape == 1:
        return None, f"本报讯（记者{names} 通讯员{helper}）"
    if shape == 2:
        return None, f"本报讯(记者 {names})"
    if shape == 3:
        return f"本报融媒体记者 {names} 通讯员 {helper}", ""
    if shape == 4:
        return f"本报记者 {' '.join(reporters)}", ""
    return f"□记者 {names} 文/图", ""


def paragraph(rng: random.Random, pools: Pools, topic: str) -> str:
    topical = pools.by_topic.get(topic, pools.sentences)
    picks = [rng.choice(topical if rng.random() < 0.5 else pools.sentences)
             for _ in range(rng.randint(2, 5))]
    return "".join(picks)


def column_break(rng: random.Random, text: str) -> list[str]:
    """A paragraph cut mid-sentence by the page's column layout (blank line between)."""
    if len(text) < 40 or rng.random() > 0.15:
        return [text]
    cut = rng.randint(15, len(text) - 15)
    return [text[:cut], text[cut:]]


def caption(rng: random.Random, date: dt.date, place: str, photographer: str) -> str:
    credit = rng.choice((f"{photographer} 摄", f"本报记者 {photographer} 摄"))
    return f"{date.month}月{date.day}日，{place}居民{rng.choice(PHOTO_VERBS)}。 {credit}"


def article(rng: random.Random, pools: Pools, date: dt.date, people: Staff
            ) -> tuple[TruthArticle, list[str]]:
    """One article's truth and its raw blocks (each block is separated by a blank line)."""
    district, town = rng.choice(DISTRICTS), rng.choice(TOWNS)
    topic = rng.choice(sorted(pools.by_topic)) if pools.by_topic else ""
    reporters = rng.sample(people.reporters, rng.choice((1, 1, 2)))
    photographer = (rng.choice(people.photographers + people.reporters)
                    if rng.random() < 0.3 else None)
    title = headline(rng, pools, district)
    blocks: list[str] = []
    if rng.random() < 0.2:
        blocks.append(rng.choice(KICKERS))
    blocks.append(("## " if rng.random() < 0.4 else "") + title)
    if rng.random() < 0.15:
        blocks.append(f"——{rng.choice(pools.fragments)}")
    own_line, prefix = byline(rng, reporters, rng.choice(people.correspondents))
    if own_line:
        blocks.append(own_line)
    lead = f"{prefix}{date.month}月{date.day}日，{district}{town}{paragraph(rng, pools, topic)}"
    paragraphs = [lead] + [paragraph(rng, pools, topic) for _ in range(rng.randint(2, 8))]
    for text in paragraphs:
        blocks += column_break(rng, text)
    if photographer:
        blocks.append(caption(rng, date, town, photographer))
    truth = TruthArticle(title, district, town, topic, reporters, photographer, paragraphs)
    return truth, blocks


def issue_text(blocks: list[str]) -> str:
    return "\n\n" + "\n\n".join(blocks) + "\n"


def issue_dates(rng: random.Random, pages: int, start: dt.date, years: int
                ) -> list[tuple[dt.date, str, int]]:
    """(date, paper, page) for ``pages`` pages: 8-page issues spread over ``years`` years."""
    days = max(1, (pages + 7) // 8)
    step = max(1, years * 365 // days)
    found: list[tuple[dt.date, str, int]] = []
    day = start
    while len(found) < pages:
        paper = rng.choice(PAPERS)
        found += [(day, paper, n) for n in range(1, 9)]
        day += dt.timedelta(days=rng.randint(1, 2 * step - 1) if step > 1 else 1)
    return found[:pages]


def generate(articles: int, seed: int = 1, seeds: Sequence[Path] | None = None,
             start: dt.date = dt.date(2015, 1, 1), years: int = 10) -> list[tuple[str, str,
                                                                                 TruthIssue]]:
    """[(file name, raw text, truth)] for about ``articles`` articles (4–8 per page)."""
    rng = random.Random(seed)
    pools = load_pools(seeds if seeds is not None else sorted(DEFAULT_SEEDS.glob("*.txt")))
    staffs = {paper: staff(rng) for paper in PAPERS}
    sizes: list[int] = []
    while sum(sizes) < articles:
        sizes.append(min(rng.randint(4, 8), articles - sum(sizes)))
    result = []
    for size, (date, paper, page) in zip(sizes, issue_dates(rng, len(sizes), start, years),
                                         strict=True):
        name = f"{date.isoformat()}_{paper}_{page:02d}.txt"
        truth = TruthIssue(name, date.isoformat(), paper, page)
        blocks: list[str] = []
        for _ in range(size):
            item, raw = article(rng, pools, date, staffs[paper])
            truth.articles.append(item)
            blocks += raw
        result.append((name, issue_text(blocks), truth))
    return result


def write_corpus(target: Path, articles: int, seed: int = 1,
                 places: Path | None = DEFAULT_SEEDS / "places.toml") -> list[TruthIssue]:
    """Write ``target/content/*.txt`` (plus the place list) and ``target/truth.json``."""
    content = target / "content"
    if content.exists():
        shutil.rmtree(content)
    content.mkdir(parents=True)
    if places is not None and places.is_file():
        shutil.copy2(places, content / "places.toml")
    issues = []
    for name, text, truth in generate(articles, seed):
        (content / name).write_text(text, encoding="utf-8")
        issues.append(truth)
    (target / "truth.json").write_text(
        json.dumps([asdict(i) for i in issues], ensure_ascii=False), encoding="utf-8")
    return issues


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="生成基准测试用的合成报纸语料")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "corpus")
    args = parser.parse_args(argv)
    issues = write_corpus(args.out, args.articles, args.seed)
    count = sum(len(i.articles) for i in issues)
    print(f"已生成 {len(issues)} 个版面文件，{count} 篇文章：{args.out / 'content'}")


if __name__ == "__main__":
    main()
