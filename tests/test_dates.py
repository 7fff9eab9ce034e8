"""Dates: declared values, file names, and inference from the text."""

from __future__ import annotations

import datetime as dt

import pytest

from baoku.dates import (
    date_from_filename,
    edition_from_filename,
    infer_date,
    latest_month_day,
    month_days,
    parse_declared,
)
from baoku.model import IssueDate


@pytest.mark.parametrize(("value", "expected"), [
    ("2023-08-25", IssueDate("2023-08-25", "day", "front-matter")),
    ("2023-8-5", IssueDate("2023-08-05", "day", "front-matter")),
    ("2023/08/25", IssueDate("2023-08-25", "day", "front-matter")),
    ("2023-08", IssueDate("2023-08", "month", "front-matter")),
    ("2023", IssueDate("2023", "year", "front-matter")),
    (2023, IssueDate("2023", "year", "front-matter")),
    (dt.date(2023, 8, 25), IssueDate("2023-08-25", "day", "front-matter")),
    (dt.datetime(2023, 8, 25, 9, 30), IssueDate("2023-08-25", "day", "front-matter")),
    ("2023年8月25日", IssueDate("2023-08-25", "day", "front-matter")),
    ("２０２３－０８－２５", IssueDate("2023-08-25", "day", "front-matter")),
    (20230825, IssueDate("2023-08-25", "day", "front-matter")),
    ("20230825", IssueDate("2023-08-25", "day", "front-matter")),
])
def test_declared_dates_parse(value: object, expected: IssueDate) -> None:
    assert parse_declared(value, "front-matter") == expected


@pytest.mark.parametrize("value", ["2023-02-30", "2023-13", "yesterday", "", True, 12, None,
                                   ["2023"], "2023-08-25 extra", 20231301, "202308"])
def test_bad_declared_dates_are_none(value: object) -> None:
    assert parse_declared(value, "sidecar") is None


@pytest.mark.parametrize(("name", "value", "precision"), [
    ("2023-08-25-pdsrb.txt", "2023-08-25", "day"),
    ("pdsrb_2023_08_25_A3.txt", "2023-08-25", "day"),
    ("20230825.txt", "2023-08-25", "day"),
    ("平顶山日报20230825第3版.txt", "2023-08-25", "day"),
    ("2023年8月25日 第三版.txt", "2023-08-25", "day"),
    ("2023年8月 合订本.txt", "2023-08", "month"),
    ("pdsrb-2023-08.txt", "2023-08", "month"),
    ("2023.8.5 晚报.txt", "2023-08-05", "day"),
])
def test_filename_dates(name: str, value: str, precision: str) -> None:
    assert date_from_filename(name) == IssueDate(value, precision, "filename")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", [
    "000_711755368b4ee13f.txt",  # hex hash: digits inside letters are not a date
    "abc20230825def.txt",
    "x_a20230825.txt",
    "1234567890123.txt",
    "20231345.txt",  # month 13
    "2023-02-30.txt",  # no such day
    "report_v2023.txt",
    "scan_2023_version2.txt",
    "第3版.txt",
])
def test_filename_false_positives(name: str) -> None:
    assert date_from_filename(name) is None


def test_month_day_mentions_ignore_full_dates_and_numbers() -> None:
    text = "2019年3月5日成立。8月16日，活动举行；截至8月24日，共115月1日"
    assert month_days(text) == [(8, 16), (8, 24)]


def test_plans_and_deadlines_are_not_the_latest_news() -> None:
    text = "8月16日，活动举行。新校将于9月1日开学，工程力争10月1日完工，12月31日前验收。"
    assert month_days(text) == [(8, 16)]


def test_chinese_numeral_month_days() -> None:
    assert month_days("八月二十四日上午，十二月三日") == [(8, 24), (12, 3)]


def test_latest_month_day_wraps_around_new_year() -> None:
    assert latest_month_day([(12, 28), (1, 3), (12, 30)]) == (1, 3)
    assert latest_month_day([(3, 20), (3, 28), (2, 1)]) == (3, 28)
    assert latest_month_day([]) is None


def test_stated_year_and_latest_month_give_month_precision() -> None:
    text = "8月16日，社区举办2023暑期活动。2019年冬，合作社成立。截至8月24日，共完成……"
    found = infer_date(text)
    assert found is not None
    assert found.date == IssueDate("2023-08", "month", "inferred")
    assert "8月24日" in found.reason and "2023" in found.reason


def test_event_bound_moves_to_the_next_year_when_the_month_is_earlier() -> None:
    # The 20th Party Congress met in October 2022, so a March page mentioning it is 2023.
    text = "3月20日，该区召开会议，学习贯彻党的二十大精神。3月28日，活动结束。"
    found = infer_date(text)
    assert found is not None and found.date.value == "2023-03"


def test_later_event_beats_an_older_stated_year() -> None:
    text = "2023年，该社区成立服务站。4月16日，开展党纪学习教育读书班。4月23日闭幕。"
    found = infer_date(text)
    assert found is not None and found.date.value == "2024-04"


def test_target_years_are_not_taken_as_the_present() -> None:
    text = "力争到2035年基本实现现代化，2025年前完成改造。2021年，该区启动项目。5月3日开工。"
    found = infer_date(text)
    assert found is not None and found.date.value == "2021-05"


def test_year_alone_gives_year_precision() -> None:
    found = infer_date("2022年，全区新建公园5个。")
    assert found is not None and found.date == IssueDate("2022", "year", "inferred")


def test_no_year_clue_means_no_date() -> None:
    assert infer_date("8月16日，社区举办活动。8月24日，活动结束。") is None
    assert infer_date("社区举办活动，居民踊跃参加。") is None


def test_event_without_month_is_too_weak() -> None:
    assert infer_date("深入学习贯彻党的二十大精神。") is None


def test_numbers_that_look_like_years_are_ignored() -> None:
    # "20375万元" and "2000余株" are amounts, not years.
    assert infer_date("收入完成20375万元，种植竹子2000余株。7月17日完成。") is None


def test_dateline_with_matching_weekday_gives_the_day() -> None:
    found = infer_date("平顶山日报\n2023年8月25日 星期五\n本报讯 8月24日……")
    assert found is not None
    assert found.date == IssueDate("2023-08-25", "day", "inferred")


def test_dateline_with_wrong_weekday_is_not_trusted() -> None:
    found = infer_date("2023年8月25日 星期一\n8月24日……")
    assert found is not None and found.date.precision == "month"


def test_full_date_alone_on_a_top_line_gives_the_day() -> None:
    found = infer_date("平顶山日报 2023年8月25日\n第3版\n\n社区举办活动。8月24日……")
    assert found is not None and found.date == IssueDate("2023-08-25", "day", "inferred")


def test_full_date_inside_a_sentence_is_not_a_dateline() -> None:
    found = infer_date("2019年3月5日，合作社成立。\n今年8月16日，社区举办2023暑期活动。")
    assert found is not None and found.date == IssueDate("2023-08", "month", "inferred")


def test_month_days_of_other_years_are_ignored() -> None:
    assert month_days("去年12月3日开工，今年8月5日竣工，2022年9月1日立项") == [(8, 5)]


def test_past_years_after_yu_and_jiezhi_count() -> None:
    found = infer_date("该厂成立于2021年，截至2022年底产值翻番。5月3日，新线投产。")
    assert found is not None and found.date.value == "2022-05"


@pytest.mark.parametrize(("name", "edition"), [
    ("平顶山日报20230825第3版", "第3版"),
    ("2023年8月25日 第十二版", "第12版"),
    ("pdsrb_2023-08-25_A3", "A3"),
    ("pdsrb-20230825-B04", "B4"),
    ("000_711755368b4ee13f", None),
    ("scan_a3b", None),
    ("2023-08-25", None),
])
def test_edition_from_filename(name: str, edition: str | None) -> None:
    assert edition_from_filename(name) == edition


def test_a_lone_look_back_does_not_set_the_month() -> None:
    mentions = [(4, 16), (4, 18), (4, 19), (4, 22), (12, 3), (4, 23)]
    assert latest_month_day(mentions) == (4, 23)
    assert latest_month_day([(8, 28), (8, 30), (9, 1)]) == (9, 1)
    assert latest_month_day([(3, 5)]) == (3, 5)


def test_every_event_clue_is_a_lower_bound() -> None:
    from baoku.dates import year_clues

    text = "培育新质生产力，推进中国式现代化。9月5日，企业开工。"
    found = infer_date(text)
    assert found is not None and found.date.value == "2023-09"
    assert {c.bound.year for c in year_clues(text)} == {2021, 2023}
    later = infer_date("培育新质生产力。3月5日，企业开工。")
    assert later is not None and later.date.value == "2024-03"
