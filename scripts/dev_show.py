import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from align_gold import load
from baoku.clean import clean
from baoku.model import Source, SourceMeta
from baoku.segment import assemble_items, segment
from baoku.segment.classify import classify
from baoku.segment.tagging import apply_role
stem, base = sys.argv[1], sys.argv[2]
g = next(Path(base, "gold").glob(stem + "*.json"))
seed = Path(base, "seeds", g.stem + ".txt")
page, gold, _ = load(seed, g)
src = Source(rel_path="x", sha256="", encoding="utf-8", format="text", text=seed.read_text(), meta=SourceMeta())
items = classify(clean(src))
if "--model" in sys.argv:
    seg = segment(clean(src))
else:
    seg = assemble_items([apply_role(it, r) for it, r in zip(items, page.roles)])
for a in seg.articles:
    print(f"[{a.kicker}] {a.headline} / {a.subtitle} | {a.byline} | {a.reporters} | {''.join(a.paragraphs)[:20]} ... {''.join(a.paragraphs)[-20:]} | caps {len(a.captions)}")
print(seg.junk)
