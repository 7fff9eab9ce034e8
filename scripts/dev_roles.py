"""Show gold vs predicted roles line by line for pages under LOPO (development)."""
import sys

from baoku.segment.classify import classify
from baoku.segment.tagging import page_features
from baoku.segment.train import fixture_pages, practice_pages, train_model

practice = 300
fixtures = fixture_pages()
wanted = sys.argv[1:]
prac = practice_pages(practice)
cache = {}
for f in fixtures:
    if not any(f.name.startswith(w) for w in wanted):
        continue
    if f.paper not in cache:
        cache[f.paper] = train_model([t for t in fixtures if t.paper != f.paper] + prac)
    model = cache[f.paper]
    items = classify(f.text)
    tag = model.tag(page_features(items))
    print("==", f.name, f.paper)
    for it, g, p, m in zip(items, f.roles, tag.roles, tag.margins):
        flag = "  " if g == p else "XX"
        print(f"{flag} {g:9} {p:9} {m:6.1f} {it.kind:8} gap{it.gap_before} {it.text[:40]}")
