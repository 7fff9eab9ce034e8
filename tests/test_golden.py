"""The sample archive builds to the golden output in tests/golden/ (see tests/golden.py)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.golden import MANIFEST, PAGES, build_sample, key_pages, manifest

REGENERATE = "python -m tests.golden --update"


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("golden"))


@pytest.mark.slow
def test_every_file_matches_the_golden_manifest(sample_output: Path) -> None:
    want = MANIFEST.read_text(encoding="utf-8").splitlines()
    got = manifest(sample_output).splitlines()
    changed = list(difflib.unified_diff(want, got, "golden", "built", lineterm="", n=0))
    assert not changed, (f"the site changed in {len(changed) - 2} manifest lines; if meant, "
                         f"run `{REGENERATE}` and commit:\n" + "\n".join(changed[:40]))


@pytest.mark.slow
def test_key_pages_match_their_golden_html(sample_output: Path) -> None:
    pages = key_pages(sample_output)
    assert sorted(pages) == sorted(p.name for p in PAGES.iterdir()), REGENERATE
    for name, html in pages.items():
        golden = (PAGES / name).read_text(encoding="utf-8")
        if html != golden:
            diff = difflib.unified_diff(golden.splitlines(), html.splitlines(),
                                        f"golden/{name}", "built", lineterm="")
            pytest.fail(f"{name} changed; if meant, run `{REGENERATE}`:\n"
                        + "\n".join(list(diff)[:60]))
