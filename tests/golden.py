"""Golden output of the sample archive: what the site looks like, kept in the repository.

``python -m tests.golden --update`` builds ``content/`` (the seeds, their place list and
site pages) at a fixed build time, without the search index (Pagefind's files differ from
one run to the next), and rewrites ``tests/golden/``:

- ``manifest.txt``: every output file with its size and a digest of its bytes;
- ``pages/``: the HTML of a few key pages, so ``git diff tests/golden`` shows what a commit
  changes on the pages a reader sees first.

``tests/test_golden.py`` builds the same way and compares; rerun the command when a change
to the site is meant (e.g. after segmentation changes) and commit the new files.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
MANIFEST = GOLDEN / "manifest.txt"
PAGES = GOLDEN / "pages"
FIXED_TIME = "2026-01-01T08:00:00+08:00"
# Site paths of the key pages kept whole, besides the first issue page and its first
# article page (``key_pages`` finds those: their names follow the seeds).
KEY_PAGES = ("index.html", "report/index.html", "topics/index.html", "districts/index.html")


def build_sample(workdir: Path) -> Path:
    """The sample archive built in ``workdir``; returns the output folder."""
    from baoku.config import load_config
    from baoku.pipeline import build

    project = workdir / "project"
    shutil.copytree(ROOT / "content", project / "content")
    output = project / "output"
    config = load_config(project, {"output_dir": output, "search": False,
                                   "fixed_time": FIXED_TIME})
    build(config, log=lambda message: None)
    return output


def manifest(output: Path) -> str:
    """One line per file, sorted by path: ``<sha256 prefix> <size> <path>``."""
    lines = []
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()[:20]
        lines.append(f"{digest} {len(content):>8} {path.relative_to(output).as_posix()}")
    return "\n".join(lines) + "\n"


def key_pages(output: Path) -> dict[str, str]:
    """Golden file name -> HTML of the key pages (the first issue and its first article too)."""
    wanted = list(KEY_PAGES)
    issues = sorted(p for p in (output / "issues").glob("*/index.html"))
    if issues:
        wanted.append(issues[0].relative_to(output).as_posix())
        articles = sorted(issues[0].parent.glob("*/index.html"))
        if articles:
            wanted.append(articles[0].relative_to(output).as_posix())
    return {path.replace("/", "__"): (output / path).read_text(encoding="utf-8")
            for path in wanted if (output / path).is_file()}


def update() -> None:
    with tempfile.TemporaryDirectory(prefix="baoku-golden-") as workdir:
        output = build_sample(Path(workdir))
        shutil.rmtree(GOLDEN, ignore_errors=True)
        PAGES.mkdir(parents=True)
        MANIFEST.write_text(manifest(output), encoding="utf-8")
        for name, html in key_pages(output).items():
            (PAGES / name).write_text(html, encoding="utf-8")
    print(f"golden files rewritten in {GOLDEN.relative_to(ROOT)}; review with git diff")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true",
                        help="rebuild the sample archive and rewrite tests/golden/")
    args = parser.parse_args(argv)
    if not args.update:
        parser.print_help()
        return 2
    sys.path.insert(0, str(ROOT))
    update()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
