"""Development check on the real corpus (needs ../shared): train on aligned real pages
without paper P, score P. Not shipped; the shipped model trains on placeholder fixtures."""
import collections
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from align_gold import load  # noqa: E402

from baoku.clean import clean  # noqa: E402
from baoku.model import Source, SourceMeta  # noqa: E402
from baoku.segment import segment  # noqa: E402
from baoku.segment.classify import classify  # noqa: E402
from baoku.segment.evaluate import Tally, score_page  # noqa: E402
from baoku.segment.tagger import train  # noqa: E402
from baoku.segment.tagging import page_features  # noqa: E402

SHARED = Path("/work/shared")
pages = []
for base in (SHARED / "corpus", SHARED):
    for g in sorted((base / "gold").glob("*.json")):
        seed = base / "seeds" / (g.stem + ".txt")
        spec = base / "goldspec" / f"spec_{g.stem[:3]}.json"
        paper = json.loads(spec.read_text())["paper"].split(" ")[0] if spec.exists() else "平顶山日报"
        page, gold, problems = load(seed, g)
        text = seed.read_text(encoding="utf-8")
        src = Source(rel_path=seed.name, sha256="", encoding="utf-8", format="text", text=text,
                     meta=SourceMeta())
        items = classify(clean(src))
        assert len(items) == len(page.roles), (g, len(items), len(page.roles))
        pages.append((paper, g.stem, page_features(items), page.roles, src, gold))
from baoku.segment.synthetic import practice_page
N_SYN = int(next((a[6:] for a in sys.argv if a.startswith("--syn=")), "300"))
synthetic = []
for seed in range(N_SYN):
    pp = practice_page(seed)
    src = Source(rel_path="s", sha256="", encoding="utf-8", format="text", text=pp.text(), meta=SourceMeta())
    items = classify(clean(src))
    roles = pp.roles()
    assert len(items) == len(roles), (seed, len(items), len(roles))
    synthetic.append((page_features(items), roles))
papers = sorted({p[0] for p in pages})
if "--oracle" in sys.argv:
    from baoku.segment import assemble_items
    from baoku.segment.tagging import apply_role
    total = Tally()
    for pp, stem, f, r, src, gold in pages:
        items = [apply_role(it, role) for it, role in zip(classify(clean(src)), r)]
        s = score_page(assemble_items(items).articles, gold["articles"])
        total.add(s)
        print(stem, f"F1 {s.f1:.2f} gold {s.gold} built {s.built}", s.misses[:8])
    print(f"ORACLE F1 {total.f1:.3f}")
    sys.exit()
total = Tally()
verbose = "-v" in sys.argv
for paper in papers:
    model = train(synthetic + [(f, r) for pp, _, f, r, _, _ in pages if pp != paper])
    t = Tally()
    for pp, stem, f, r, src, gold in pages:
        if pp != paper:
            continue
        seg = segment(clean(src), model)
        s = score_page(seg.articles, gold["articles"])
        t.add(s)
        if verbose:
            tag = model.tag(f).roles
            wrong = collections.Counter((a, b) for a, b in zip(r, tag) if a != b)
            print(stem, f"F1 {s.f1:.2f}", s.misses[:6], dict(wrong.most_common(6)))
    print(f"{paper[:12]:12} gold {t.gold:3} built {t.built:3} exact {t.exact:3} F1 {t.f1:.3f}")
    total.add(t)
print(f"TOTAL gold {total.gold} built {total.built} exact {total.exact} F1 {total.f1:.3f}")
