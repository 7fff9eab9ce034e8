"""The tokenizer's remembered tags: always what rjieba says now."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rjieba
from conftest import shared_tokenizer
from hypothesis import given, settings
from hypothesis import strategies as st

from baoku import tokenizer as tokenizer_module

PIECES = ["梁园区", "花椒", "种植", "社区", "近日", "湖滨路", "的", "，", " ", "A1", "村", "镇"]


def fresh_tags(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((w, flag) for w, flag in rjieba.tag(text) if w.strip())


# Taught no words, unlike the session's shared tokenizer: every word taught to a
# dictionary shifts its frequencies, so only an untaught one cuts as rjieba's own does.
untaught_tokenizer = functools.cache(tokenizer_module.JiebaTokenizer)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_tag_is_rjiebas_tagging_on_every_call(text: str) -> None:
    tok = untaught_tokenizer()
    assert tuple(tok.tag(text)) == fresh_tags(text)
    assert tuple(tok.tag(text)) == fresh_tags(text)  # the second answer may be remembered


def test_a_new_word_changes_what_was_remembered() -> None:
    tok = tokenizer_module.JiebaTokenizer()
    text = "在翠柏苑乙栋"
    before = tok.tag(text)
    assert ("翠柏苑乙栋", "x") not in before
    tok.add_words(["翠柏苑乙栋"])
    assert ("翠柏苑乙栋", "x") in tok.tag(text)


def test_long_texts_are_not_remembered_and_the_memory_is_bounded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    tok = shared_tokenizer()
    long_text = "花椒种植" * 10
    tok.tag(long_text)
    assert long_text not in tok._tags
    monkeypatch.setattr(tokenizer_module, "TAG_CACHE_MAX_ENTRIES", 3)
    tok._tags.clear()
    for text in ("花椒", "种植", "社区", "近日", "村"):
        assert tuple(tok.tag(text)) == fresh_tags(text)
    assert len(tok._tags) <= 3


def test_a_tokenizer_loads_one_dictionary_and_rjieba_still_imports() -> None:
    """The ``rjieba`` package's own dictionary (for module functions) is never built by a
    build: a process holds only its tokenizers' dictionaries."""
    script = (
        "import sys\n"
        "from baoku.tokenizer import JiebaTokenizer\n"
        "tokenizer = JiebaTokenizer()\n"
        "assert 'rjieba' not in sys.modules, 'the package (and its dictionary) was imported'\n"
        "assert '梧桐坡' not in tokenizer.cut('梧桐坡举办读书节')\n"
        "tokenizer.add_words(['梧桐坡'])\n"
        "import rjieba\n"
        "assert '梧桐坡' in tokenizer.cut('梧桐坡举办读书节')\n"
        "assert '梧桐坡' not in rjieba.cut('梧桐坡举办读书节')\n"
        "assert isinstance(tokenizer._jieba, rjieba.Jieba)\n"
    )
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", script], check=True, cwd=root,
                   env={**os.environ, "PYTHONPATH": str(root)})
