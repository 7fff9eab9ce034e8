"""The GitHub Pages workflow builds with ``build.py`` under the repository sub-path and deploys
``output/`` with the official actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pages.yml"
OFFICIAL = {
    "actions/cache",
    "actions/checkout",
    "actions/setup-python",
    "actions/configure-pages",
    "actions/upload-pages-artifact",
    "actions/deploy-pages",
}


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def step_using(workflow: dict[Any, Any], action: str) -> dict[str, Any]:
    found = [s for s in steps(workflow) if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"{action} should be used exactly once"
    return found[0]


def test_triggers_on_push_to_main(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers


def test_permissions_allow_pages_deployment(workflow: dict[Any, Any]) -> None:
    permissions = workflow["permissions"]
    assert permissions["pages"] == "write"
    assert permissions["id-token"] == "write"
    assert permissions.get("contents") in (None, "read")


def test_deployments_do_not_overlap(workflow: dict[Any, Any]) -> None:
    assert workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_uses_only_official_pinned_actions(workflow: dict[Any, Any]) -> None:
    used = {s["uses"] for s in steps(workflow) if "uses" in s}
    assert {u.split("@")[0] for u in used} == OFFICIAL
    assert all("@v" in u for u in used), "every action pinned to a major version"


def test_python_setup_caches_pip(workflow: dict[Any, Any]) -> None:
    setup = step_using(workflow, "actions/setup-python")
    assert setup["with"]["cache"] == "pip"
    assert str(setup["with"]["python-version"]).startswith("3.11")


def test_build_runs_build_py_with_the_pages_base_url(workflow: dict[Any, Any]) -> None:
    configure = step_using(workflow, "actions/configure-pages")
    builds = [s for s in steps(workflow) if "python build.py" in s.get("run", "")]
    assert len(builds) == 1
    command = builds[0]["run"]
    assert f"steps.{configure['id']}.outputs.base_url" in command
    assert "--base-url" in command
    installs = [s for s in steps(workflow) if "pip install" in s.get("run", "")]
    assert installs, "the build step needs baoku installed"
    order = steps(workflow)
    assert order.index(installs[0]) < order.index(builds[0])
    assert order.index(configure) < order.index(builds[0])


def test_uploads_output_and_deploys_it(workflow: dict[Any, Any]) -> None:
    upload = step_using(workflow, "actions/upload-pages-artifact")
    assert upload["with"]["path"].rstrip("/") == "output"
    jobs = workflow["jobs"]
    deploy_job = next(name for name, job in jobs.items()
                      if any(s.get("uses", "").startswith("actions/deploy-pages")
                             for s in job["steps"]))
    build_job = next(name for name, job in jobs.items() if upload in job["steps"])
    assert jobs[deploy_job]["needs"] in (build_job, [build_job])
    assert jobs[deploy_job]["environment"]["name"] == "github-pages"
    deployment = step_using(workflow, "actions/deploy-pages")
    assert deployment["id"] in jobs[deploy_job]["environment"]["url"]


def test_the_build_cache_is_restored_before_the_build_and_saved_after(
        workflow: dict[Any, Any], tmp_path: Path) -> None:
    from baoku.config import load_config

    cache = step_using(workflow, "actions/cache")
    default = load_config(tmp_path, {}).cache_dir.relative_to(tmp_path)
    assert Path(cache["with"]["path"]) == default
    # A key per commit saves a fresh cache after every deploy; the prefix restores the last.
    assert "github.sha" in cache["with"]["key"]
    assert cache["with"]["key"].startswith(cache["with"]["restore-keys"])
    builds = [s for s in steps(workflow) if "python build.py" in s.get("run", "")]
    assert steps(workflow).index(cache) < steps(workflow).index(builds[0])
