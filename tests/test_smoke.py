"""The skeleton builds the seeds end to end."""

import json
from pathlib import Path

import pytest

from baoku.config import load_config
from baoku.pipeline import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_builds_seeds(tmp_path: Path) -> None:
    config = load_config(ROOT, {"output_dir": tmp_path / "out", "search": False})
    result = build(config, log=lambda m: None)
    archive = json.loads((tmp_path / "out/data/archive.json").read_text(encoding="utf-8"))
    assert len(archive["issues"]) == 5
    assert result.article_count >= 5
