"""The offline index written file by file is the index built in one piece."""

from __future__ import annotations

import json

from baoku.search.offline import build_offline_index, offline_files
from tests.test_offline_index import fake_cut, record


def test_streamed_files_equal_the_whole_index() -> None:
    records = [record(n, f"湛阳镇花椒丰收第{n}年", "叶营村的花椒。" * n) for n in range(1, 30)]
    streamed = list(offline_files(records, fake_cut))
    whole = build_offline_index(records, fake_cut)
    assert dict(streamed) == whole.files
    assert len({name for name, _ in streamed}) == len(streamed)
    assert whole.posting_count >= whole.term_count > 0


def test_postings_count_every_term_of_every_document() -> None:
    records = [record(1, "花椒丰收", "湛阳镇"), record(2, "湛阳镇", "花椒")]
    files = dict(offline_files(records, fake_cut))
    tables: dict[str, list[int]] = {}
    for name, text in files.items():
        if name.startswith("search-offline/t"):
            tables.update(json.loads("[" + text[text.index("(") + 1:text.rindex(")")] + "]")[1])
    assert tables["花椒"] == [0, 4, 1, 1]  # doc delta, weighted tf (heading ×4)
    assert tables["湛阳镇"] == [0, 1, 1, 4]
