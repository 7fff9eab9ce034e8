"""Turn annotated real pages into placeholder layout fixtures (development tool).

    python scripts/make_layout_fixtures.py ../shared/corpus ../shared

For each gold file beside a source page, labels every line with its role (align_gold.py),
then replaces the page's words by filler while keeping what is layout fact: line lengths,
blank lines, punctuation, digits, the markers papers print (本报讯, 记者, 通讯员, 摄, 电,
图①, 编者按 …) and the grammatical characters the features read. Names of reporters
become placeholder names of the same length. The fixtures (tests/fixtures/layouts/) hold
no sentence of the papers; they are what the shipped line-role model trains on.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from align_gold import load

from baoku.clean import HAN
from baoku.segment.bylines import _SURNAMES
from baoku.segment.classify import _FUNCTION_END, _PRONOUN_START

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "layouts"
MARKERS = sorted({
    "本报讯", "本报", "本刊", "记者", "通讯员", "实习生", "特约", "见习", "首席",
    "融媒体", "全媒体", "摄影报道", "摄影", "摄", "文/图", "图/文", "电", "讯",
    "新华社", "中新社", "据", "报道", "编者按", "编者", "责任编辑", "编辑", "校对",
    "美编", "版", "第", "日", "月", "年", "星期", "核心阅读", "图为", "供图", "受访者",
    "来源", "数据来源", "资料图片", "制图", "绘", "作者为", "本版", "视觉", "评论员",
    "短评", "点评", "快评", "编后", "简讯", "延伸阅读", "相关链接", "链接", "说", "表示",
    "上图", "下图", "左图", "右图", "图", "一", "二", "三", "四", "五", "六", "七", "八",
    "九", "十", "开栏的话", "读者", "晚报", "日报", "网讯", "台讯", "文", "注", "问",
    "答"}, key=len, reverse=True)
KEEP_CHARS = set(_FUNCTION_END) | set(_PRONOUN_START) | set("了是为有等中个")
FILLER = "乙丙戊己庚壬癸寅卯辰巳午未申酉戌亥"
GIVEN = "甲乙丙丁戊己庚壬癸"
_HAN = re.compile(f"[{HAN}]")
_MARKER = re.compile("|".join(re.escape(m) for m in MARKERS))


def _pick(pool: str, *key: object) -> str:
    digest = hashlib.sha256(repr(key).encode()).digest()
    return pool[digest[0] % len(pool)]


def placeholder_name(name: str) -> str:
    surnames = sorted(_SURNAMES)
    return _pick("".join(surnames), name) + "".join(_pick(GIVEN, name, i)
                                                    for i in range(1, len(name)))


def scrub_line(text: str, key: object, names: dict[str, str]) -> str:
    """Filler for every Chinese character but markers, grammar characters and names."""
    protected: dict[int, str] = {}
    for name, fake in names.items():
        pattern = r"\s*".join(map(re.escape, name))
        for match in re.finditer(pattern, text):
            positions = [i for i in range(match.start(), match.end()) if not text[i].isspace()]
            for pos, ch in zip(positions, fake, strict=True):
                protected[pos] = ch
    for match in _MARKER.finditer(text):
        for pos in range(match.start(), match.end()):
            protected.setdefault(pos, text[pos])
    out = []
    for pos, ch in enumerate(text):
        if pos in protected:
            out.append(protected[pos])
        elif _HAN.match(ch) and ch not in KEEP_CHARS:
            # Keyed by the characters around it, so text printed twice on a page (a pull
            # quote, a repeated caption) stays the same filler both times.
            out.append(_pick(FILLER, text[max(0, pos - 2):pos + 3]))
        else:
            out.append(ch)
    return "".join(out)


def fixture(seed: Path, gold_path: Path, paper: str) -> dict:
    page, gold, problems = load(seed, gold_path)
    people = {n for a in gold["articles"] for k in ("reporters", "correspondents")
              for n in a.get(k) or []}
    names = {n: placeholder_name(n) for n in sorted(people, key=len, reverse=True)}
    raw_lines = seed.read_text(encoding="utf-8").split("\n")
    scrubbed = [scrub_line(line, (seed.name, i), names) for i, line in enumerate(raw_lines)]
    return {"source": seed.name, "paper": paper, "text": "\n".join(scrubbed),
            "roles": page.roles, "alignment_problems": problems}


def paper_of(base: Path, stem: str) -> str:
    spec = base / "goldspec" / f"spec_{stem[:3]}.json"
    if spec.exists():
        return json.loads(spec.read_text(encoding="utf-8"))["paper"].split(" ")[0]
    return "sample"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    papers: dict[str, str] = {}
    for base in map(Path, sys.argv[1:]):
        for gold_path in sorted((base / "gold").glob("*.json")):
            seed = base / "seeds" / f"{gold_path.stem}.txt"
            real = paper_of(base, gold_path.stem)
            label = papers.setdefault(real, f"paper-{len(papers) + 1:02d}")
            data = fixture(seed, gold_path, label)
            out = OUT / f"{gold_path.stem}.json"
            if out.is_file():  # a training weight set by hand survives a rebuild
                weight = json.loads(out.read_text(encoding="utf-8")).get("weight")
                data = {**data, **({"weight": weight} if weight else {})}
            out.write_text(
                json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            print(gold_path.stem, label, len(data["roles"]), data["alignment_problems"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
