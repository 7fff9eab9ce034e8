"""Quick LOPO figure on the real corpus (development; needs ../shared)."""
import sys
from pathlib import Path

from baoku.segment.evaluate import Models, corpus_pages, evaluate, print_table
from baoku.segment.train import fixture_pages, practice_pages

practice = int(sys.argv[1]) if len(sys.argv) > 1 else 300
fixtures = fixture_pages()
papers = {f.name: f.paper for f in fixtures}
models = Models([*fixtures, *practice_pages(practice)], lopo=True)
real = corpus_pages(Path("/work/shared/corpus"), papers) + corpus_pages(Path("/work/shared"), papers)
total = print_table("LOPO real", evaluate(real, models, "-v" in sys.argv))
print(f"F1 {total.f1:.3f}")
