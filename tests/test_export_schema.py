"""Every published data file validates against the JSON Schema shipped in docs/schema/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT

from baoku.export import read_year_data

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

SCHEMA_DIR = ROOT / "docs" / "schema"


def _registry() -> referencing.Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], referencing.Resource.from_contents(contents)))
    return referencing.Registry().with_resources(resources)


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, registry=_registry())


def schema_errors(name: str, document: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(name).iter_errors(document)]


def exports(out: Path) -> list[tuple[str, str, object]]:
    """(schema name, where, document) for every JSON document the build published under
    data/: the two files, and each line of the year files."""
    found: list[tuple[str, str, object]] = [
        (name, f"data/{name}.json", json.loads((out / "data" / f"{name}.json").read_bytes()))
        for name in ("archive", "report")]
    for path in sorted((out / "data").glob("issues-*.jsonl.gz")):
        found += [("issue", f"{path.name}: {r['id']}", r) for r in read_year_data(path)]
    return found


def assert_valid_exports(out: Path) -> int:
    checked = 0
    for name, where, document in exports(out):
        assert schema_errors(name, document) == [], where
        checked += 1
    return checked


def test_every_seed_export_matches_the_schema(seed_site) -> None:
    out, result = seed_site
    assert assert_valid_exports(out) == 2 + len(result.archive.issues)


def test_odd_inputs_export_matching_data(build_from) -> None:
    """Month-only and undated issues, a Markdown issue and a failed file still fit."""
    month_only = "---\ndate: 2023-08\nnewspaper: 样例日报\n---\n\n样例标题\n\n正文占位文字。\n"
    markdown = "---\ndate: 2024-01-02\n---\n\n## 一篇校订过的稿子\n\n校订后的正文占位。\n"
    out, result = build_from({
        "content/month.txt": month_only,
        "content/undated.txt": "无日期的标题\n\n没有日期的正文占位。\n",
        "content/fixed.md": markdown,
        "content/empty.txt": "",
    })
    assert result.archive.failures
    assert assert_valid_exports(out) == 2 + len(result.archive.issues)


@pytest.mark.parametrize("source", ["/home/someone/content/a.txt", "C:\\data\\a.txt",
                                    "../elsewhere/a.txt"])
def test_the_schema_refuses_a_build_machine_path(source: str) -> None:
    failure = {"source": source, "stage": "read", "message": "占位"}
    report = {"schema": 2, "generated_at": "2026-01-01", "issues": [], "failures": [failure]}
    assert schema_errors("report", report)


def test_the_schema_refuses_a_renamed_field() -> None:
    archive = {"schema": 2, "generated_at": "2026-01-01", "issues": [{"id": "x"}]}
    assert any("source" in e for e in schema_errors("archive", archive))
