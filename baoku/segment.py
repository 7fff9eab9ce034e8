"""Segment stage: cleaned lines -> articles (placeholder: one article per '## ' headline)."""

from __future__ import annotations

from .model import Article, CleanText, Segmentation


def segment(text: CleanText) -> Segmentation:
    articles: list[Article] = []
    headline: str | None = None
    body: list[str] = []
    for line in text.lines:
        if line.text.startswith("## "):
            if headline is not None:
                articles.append(Article(number=len(articles) + 1, headline=headline,
                                        paragraphs=tuple(body)))
            headline, body = line.text[3:].strip(), []
        elif line.text:
            body.append(line.text)
    if headline is None and body:
        headline = body.pop(0)
    if headline is not None:
        articles.append(Article(number=len(articles) + 1, headline=headline,
                                paragraphs=tuple(body)))
    return Segmentation(articles=tuple(articles))
