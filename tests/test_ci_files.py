"""The README's two commands are the ones CI runs: .ci/run and the GitHub test workflow
call the test command word for word; actions are on current majors; Dependabot watches them."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
# The majors that run on Node 24 (GitHub's runners dropped Node 20 in 2026).
MINIMUM_MAJOR = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/cache": 5,
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the quick start has a bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_two_commands_in_a_venv_with_python3() -> None:
    install, test = quick_start_commands()
    for command in (install, test):
        assert command.startswith("python3 -m venv .venv && .venv/bin/python -m pip install ")
        assert " python " not in f" {command} " and "sudo" not in command
    assert "pip install . " in install and "[test]" not in install  # librarians: no extras
    assert install.endswith("baoku serve")
    assert "'.[test]'" in test and test.endswith(".venv/bin/python -m pytest")


def test_ci_run_calls_exactly_the_readme_test_command() -> None:
    test = quick_start_commands()[1]
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in lines
    assert 'id -u' in "\n".join(lines), "apt is used only as root"


def workflow(name: str) -> dict[Any, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def test_the_test_workflow_runs_the_readme_command_on_push_and_pull_request() -> None:
    flow = workflow("test.yml")
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "pull_request" in triggers
    (job,) = flow["jobs"].values()
    assert job["container"]["image"].startswith("debian:")
    assert job["env"]["CI"] == "true"  # browser tests fail instead of skipping
    runs = [step.get("run", "") for step in job["steps"]]
    assert any("chromium" in run and "fonts-noto-cjk" in run for run in runs)
    assert quick_start_commands()[1] in [run.strip() for run in runs]


@pytest.mark.parametrize("name", ["pages.yml", "test.yml"])
def test_actions_are_on_current_majors(name: str) -> None:
    flow = workflow(name)
    used = [step["uses"] for job in flow["jobs"].values() for step in job.get("steps", [])
            if "uses" in step]
    assert used
    for action in used:
        repo, _, version = action.partition("@")
        assert re.fullmatch(r"v\d+", version), action
        assert int(version[1:]) >= MINIMUM_MAJOR[repo], action


def test_dependabot_watches_the_actions() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert any(u["package-ecosystem"] == "github-actions" and u["directory"] == "/"
               for u in config["updates"])
