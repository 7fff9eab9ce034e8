"""Enrich stage: places, topics, keywords, people and related articles.

``load_enricher`` loads the heavy resources (gazetteer, taxonomy, jieba) once per
process; ``enrich_issue`` is then a pure function of an issue; ``link_related``
runs once over the whole archive.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..config import Config
from ..model import Issue


@dataclass(frozen=True)
class Enricher:
    """Loaded enrichment resources (placeholder: none yet)."""


def load_enricher(config: Config) -> Enricher:
    return Enricher()


def enrich_issue(issue: Issue, enricher: Enricher) -> Issue:
    return issue


def link_related(issues: tuple[Issue, ...]) -> tuple[Issue, ...]:
    return tuple(replace(i) for i in issues)
