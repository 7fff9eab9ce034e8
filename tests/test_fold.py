"""Traditional -> simplified folding for search: the table, the index side and the script
the pages use."""

from __future__ import annotations

import json

from baoku.search.fold import fold, fold_pairs, fold_script
from baoku.search.pagefind import index_text


def test_the_table_maps_one_character_to_one_and_folds_fully() -> None:
    pairs = fold_pairs()
    assert len(pairs) > 3000
    simplified = {s for _, s in pairs}
    traditional = {t for t, _ in pairs}
    assert all(len(t) == 1 and len(s) == 1 and t != s for t, s in pairs)
    assert not simplified & traditional  # one look-up is enough


def test_fold_reaches_the_simplified_form_and_keeps_the_rest() -> None:
    assert fold("梁園區人民路") == "梁园区人民路"
    assert fold("平顶山日报 PM2.5") == "平顶山日报 PM2.5"
    assert index_text("梁園區") == index_text("梁园区")


def test_the_page_script_carries_the_same_table() -> None:
    script = fold_script()
    table = json.loads(script.split("window.baokuFoldPairs = ", 1)[1].rstrip(";\n"))
    assert table == "".join(t + s for t, s in fold_pairs())
    assert "Apache-2.0" in script
