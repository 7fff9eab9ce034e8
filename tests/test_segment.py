"""Segment stage on short hand-written pages: headlines, bylines, captions, breaks, junk."""

from __future__ import annotations

import pytest

from baoku.clean import clean
from baoku.model import Article, Segmentation, Source, SourceMeta
from baoku.segment import assemble_items, segment
from baoku.segment.assemble import rule_stack_roles
from baoku.segment.bylines import (
    is_signature,
    parse_credit,
    parse_lead_byline,
    parse_tail_byline,
    split_names,
)
from baoku.segment.classify import classify, head_score, is_finished
from baoku.segment.tagging import apply_role, page_facts
from baoku.segment.train import cleaned

# Shapes the rule-based segmenter was written for and the line-role model does not yet
# reproduce on these small pages (issue #27 lists them); kept so that a model that learns
# them shows up as XPASS.
SHAPE_NOT_YET_LEARNED = pytest.mark.xfail(
    reason="layout shape the line-role model does not yet learn from its fixtures", strict=False)
# Shapes the model read right when it counted real pages six times; counted once (better on
# papers it has not seen, docs/segmentation.md) it reads them otherwise.
TRADED_FOR_NEW_PAPERS = pytest.mark.xfail(
    reason="traded for papers the model has not seen: real pages count once (#27)", strict=False)


def seg(text: str) -> Segmentation:
    source = Source(rel_path="content/t.txt", sha256="0", encoding="utf-8", format="txt",
                    text=text, meta=SourceMeta())
    return segment(clean(source))


def page(*blocks: str, gap: int = 1) -> str:
    return ("\n" * (gap + 1)).join(blocks)


def by_headline(result: Segmentation, headline: str) -> Article:
    found = [a for a in result.articles if a.headline == headline]
    assert found, [a.headline for a in result.articles]
    return found[0]


# -- bylines and credits ---------------------------------------------------------------

@pytest.mark.parametrize(("line", "byline", "rest", "reporters", "correspondents"), [
    ("本报讯（记者张亚丹）近日，全区召开会议。", "本报讯（记者张亚丹）", "近日，全区召开会议。",
     ("张亚丹",), ()),
    ("本报讯（记者 李岩 通讯员 丰一帆）为进一步提高", "本报讯（记者 李岩 通讯员 丰一帆）",
     "为进一步提高", ("李岩",), ("丰一帆",)),
    ("本报讯（记者朱江森 通讯员刘奕博）4月22日", "本报讯（记者朱江森 通讯员刘奕博）",
     "4月22日", ("朱江森",), ("刘奕博",)),
    ("本报融媒体记者 李岩 通讯员 王鹏", "本报融媒体记者 李岩 通讯员 王鹏", "", ("李岩",),
     ("王鹏",)),
    ("晚报讯（记者 赵一 钱二 通讯员 孙三）昨天", "晚报讯（记者 赵一 钱二 通讯员 孙三）",
     "昨天", ("赵一", "钱二"), ("孙三",)),
    ("本报讯（记者张亚丹李岩 通讯员王 鹏）近日", "本报讯（记者张亚丹李岩 通讯员王 鹏）", "近日",
     ("张亚丹", "李岩"), ("王鹏",)),
    ("本报讯 记者 张三 通讯员 李四 近日，全区召开会议。", "本报讯 记者 张三 通讯员 李四",
     "近日，全区召开会议。", ("张三",), ("李四",)),
    ("本报讯近日，全区召开会议。", "本报讯", "近日，全区召开会议。", (), ()),
    ("□记者 郭小伟 文/图", "□记者 郭小伟 文/图", "", ("郭小伟",), ()),
    ("■本报记者 赵一 钱二", "■本报记者 赵一 钱二", "", ("赵一", "钱二"), ()),
])
def test_lead_bylines(line: str, byline: str, rest: str, reporters: tuple[str, ...],
                      correspondents: tuple[str, ...]) -> None:
    parsed = parse_lead_byline(line)
    assert parsed is not None
    assert (parsed.byline, parsed.rest) == (byline, rest)
    assert parsed.people.reporters == reporters
    assert parsed.people.correspondents == correspondents


@pytest.mark.parametrize("line", [
    "记者从区司法局获悉，该区智慧矫正中心正式运行。",
    "本报记者 王尧 摄",
    "据本报记者调查，全区共有三家。",
    "据本报讯，全区共有三家。",
])
def test_not_lead_bylines(line: str) -> None:
    assert parse_lead_byline(line) is None


@pytest.mark.parametrize(("line", "reporters"), [
    ("（本报记者 朱江森 文/图）", ("朱江森",)),
    ("(本报记者 邱爽)", ("邱爽",)),
    ("（记者 王一 通讯员 李二）", ("王一",)),
])
def test_tail_bylines(line: str, reporters: tuple[str, ...]) -> None:
    people = parse_tail_byline(line)
    assert people is not None and people.reporters == reporters


@pytest.mark.parametrize(("line", "caption", "photographers"), [
    ("本报记者 王尧 摄", "", ("王尧",)),
    ("任召培 摄", "", ("任召培",)),
    ("图片由本报记者张亚丹摄", "", ("张亚丹",)),
    ("本报融媒体记者 李岩 县融媒记者 尤祥宇 摄影报道", "", ("李岩", "尤祥宇")),
    ("3月25日，志愿者在小区补植树木。 马聪会 摄", "3月25日，志愿者在小区补植树木。", ("马聪会",)),
    ("7月17日，党员参加集中学习。本报记者 王尧 摄", "7月17日，党员参加集中学习。", ("王尧",)),
    ("活动现场。（本报记者 张三 摄）", "活动现场。", ("张三",)),
    ("（本报记者 张三 摄）", "", ("张三",)),
    ("王五/摄", "", ("王五",)),
])
def test_credits(line: str, caption: str, photographers: tuple[str, ...]) -> None:
    credit = parse_credit(line)
    assert credit is not None
    assert credit.caption == caption
    assert credit.photographers == photographers


@pytest.mark.parametrize("line", ["他拿起相机，对着远处的山峰不停地拍摄", "这是一段普通的正文。",
                                  "他说（这是真的）"])
def test_not_credits(line: str) -> None:
    assert parse_credit(line) is None


@pytest.mark.parametrize(("token", "names"), [
    ("张亚丹", ["张亚丹"]), ("李岩王鹏", ["李岩", "王鹏"]), ("张亚丹李岩", ["张亚丹", "李岩"]),
    ("欧阳修文", ["欧阳修文"]), ("走访发现情况", []), ("A1", []),
])
def test_split_names(token: str, names: list[str]) -> None:
    assert split_names(token) == names


# -- line features -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "headish"), [
    ("示范区空气质量连续两个月全省前三", True),
    ("有时间做志愿者，有困难找志愿者", True),
    ("上紧保密“弦” 筑牢安全“盾”", True),
    ("该社区活跃着一支59人组成的", False),  # a fragment cut by a column break
    ("据幸福村驻村第一书记胡群野", False),
    ("去年以来，示范区融合“智慧党建”，新引进“人民智屏”智", False),
    ("较好。", False),
    ("紧紧围绕年度目标，该区制定攻坚实施方案，", False),
])
def test_head_score(text: str, headish: bool) -> None:
    assert (head_score(text) >= 1) is headish


@pytest.mark.parametrize(("text", "finished"), [
    ("他说。", True), ("“真好！”", True), ("他说：“真好。”", True), ("情况……", True),
    ("建立社区大党委联", False), ("叶志刚说，", False), ("从“指尖”", False),
])
def test_is_finished(text: str, finished: bool) -> None:
    assert is_finished(text) is finished


# -- assembly ----------------------------------------------------------------------------

BODY_A = "全区召开推进会议，部署下一阶段重点工作。"
BODY_B = "会议要求各单位压实责任，确保各项任务按期完成。"


def test_marked_headlines_kicker_byline_and_column_break() -> None:
    result = seg(page(
        "稳字当头 进字为先",
        "## 全区召开经济工作推进会",
        "本报讯（记者王小明）3月1日，全区召开经济工作推进会，研究部署",
        "下一阶段重点工作。",
        BODY_B,
        "## 城东街道开展义诊活动",
        "本报讯（记者王小明 通讯员赵六）近日，城东街道开展义诊活动。",
    ))
    first, second = result.articles
    assert (first.kicker, first.headline) == ("稳字当头 进字为先", "全区召开经济工作推进会")
    assert first.byline == "本报讯（记者王小明）"
    assert first.reporters == ("王小明",)
    assert first.paragraphs == ("3月1日，全区召开经济工作推进会，研究部署下一阶段重点工作。",
                                BODY_B)
    assert second.correspondents == ("赵六",)
    assert [a.number for a in result.articles] == [1, 2]
    assert first.kind == second.kind == "news"


def test_unmarked_unfinished_line_in_marked_page_is_body_not_headline() -> None:
    result = seg(page(
        "## 幸福村发展来料加工",
        "本报讯（记者王小明）近日，幸福村工坊内妇女正在接受培训。",
        "据幸福村驻村第一书记胡群野",
        "介绍，村党支部邀请老师提供技术指导。",
        "## 另一条新闻",
        "本报讯（记者王小明）" + BODY_A,
    ))
    assert len(result.articles) == 2
    assert result.articles[0].paragraphs[-1] == \
        "据幸福村驻村第一书记胡群野介绍，村党支部邀请老师提供技术指导。"


@pytest.mark.parametrize(("stack", "roles"), [
    (["鼓足干劲 加压奋进 持续发力", "示范区全力以赴打好攻坚战"],
     (None, "鼓足干劲 加压奋进 持续发力", "示范区全力以赴打好攻坚战", None)),
    (["智慧赋能基层治理 为百姓幸福“加码”", "示范区开辟支部创建新路径"],
     (None, None, "智慧赋能基层治理 为百姓幸福“加码”", "示范区开辟支部创建新路径")),
    pytest.param(["示范区上半年财政收入完成2亿多元", "较上年同期增长1.3%"],
                 (None, None, "示范区上半年财政收入完成2亿多元", "较上年同期增长1.3%"),
                 marks=SHAPE_NOT_YET_LEARNED),
    pytest.param(["我为群众办实事", "针对巡查交办问题迅速行动", "光华路街道增强群众幸福感"],
                 ("我为群众办实事", "针对巡查交办问题迅速行动", "光华路街道增强群众幸福感", None),
                 marks=SHAPE_NOT_YET_LEARNED),
    (["城市社区治理进行时", "打造居民满意的幸福家园", "——湖光社区和谐社区创建记"],
     (None, "城市社区治理进行时", "打造居民满意的幸福家园", "——湖光社区和谐社区创建记")),
])
def test_unmarked_headline_stacks(stack: list[str], roles: tuple) -> None:
    result = seg(page(*stack, "本报讯（记者王小明）" + BODY_A, BODY_B))
    (article,) = result.articles
    assert (article.column, article.kicker, article.headline, article.subtitle) == roles


def test_caption_in_the_middle_of_a_paragraph_is_moved_and_the_halves_joined() -> None:
    text = ("## 全区掀起创文热潮\n\n本报讯（记者王小明）该区大力弘扬社会主义\n\n\n\n"
            "3月28日上午，志愿者为居民提供免费义诊服务。 李四 摄\n\n"
            "核心价值观，倡树文明新风。\n\n## 下一篇\n\n本报讯（记者王小明）" + BODY_A)
    article = seg(text).articles[0]
    assert article.paragraphs == ("该区大力弘扬社会主义核心价值观，倡树文明新风。",)
    assert article.captions == ("3月28日上午，志愿者为居民提供免费义诊服务。 李四 摄",)
    assert article.photographers == ("李四",)
    assert article.reporters == ("王小明",)


@SHAPE_NOT_YET_LEARNED
def test_caption_block_with_shared_credit_goes_to_the_article_before() -> None:
    text = page("## 新建学校今秋投用", "本报讯（记者王小明）" + BODY_A,
                "\n\n▲老师打造创意长廊\n▼户外活动场地", "图片由本报记者王小明摄\n\n\n",
                "## 下一篇", "本报讯（记者王小明）" + BODY_B)
    first, second = seg(text).articles
    assert first.captions == ("▲老师打造创意长廊\n▼户外活动场地 图片由本报记者王小明摄",)
    assert first.paragraphs == (BODY_A,)
    assert second.captions == ()


def test_photo_story_with_title_caption_text_and_credit() -> None:
    text = page("## 全区召开推进会", "本报讯（记者王小明）" + BODY_A,
                "\n\n樱花园免费停车场启用", "4月22日，车辆停在免费停车位上。", "本报记者 王五 摄",
                "## 下一篇", "本报讯（记者王小明）" + BODY_B)
    result = seg(text)
    photo = by_headline(result, "樱花园免费停车场启用")
    assert photo.kind == "photo"
    assert photo.paragraphs == ("4月22日，车辆停在免费停车位上。",)
    assert photo.byline == "本报记者 王五 摄"
    assert photo.photographers == photo.reporters == ("王五",)
    assert [a.number for a in result.articles] == [1, 2, 3]


@SHAPE_NOT_YET_LEARNED
def test_single_lines_with_credits_in_a_box_are_captions() -> None:
    text = page("党建引领 探索治理新模式", "本报记者 李岩 通讯员 王鹏", BODY_A,
                "\n\n志愿者为社区老人过生日", "本报记者 李岩 摄",
                "开展读书会活动丰富居民", "王鹏 摄")
    (article,) = seg(text).articles
    assert article.captions == ("志愿者为社区老人过生日 本报记者 李岩 摄",
                                "开展读书会活动丰富居民 王鹏 摄")
    assert article.byline == "本报记者 李岩 通讯员 王鹏"
    assert article.kind == "news"


def test_interleaved_feature_commentary_and_section_heads() -> None:
    text = page(
        "打造居民满意的幸福家园", "——湖光社区和谐社区创建记",
        "7月14日，湖光社区停车位改造工程完工。",
        "构建党建治理框架，建强红色引擎",
        "湖光社区组建社区大党委，吸纳辖区单位共同参与社区治理。",
        "示范区党工委副书记张毅点评",
        "新时代，如何体现基层党组织的引领作用？会议精神给我们提供了根本遵循。",
        "有时间做志愿者，有困难找志愿者",
        "湖光社区主动发掘辖区能人，吸纳热心群众参与社区治理。",
        "（本报记者 邱爽）",
        "区教体局筑牢防溺水安全防线",
        "本报讯（记者邱爽）" + BODY_A,
    )
    result = seg(text)
    feature = by_headline(result, "打造居民满意的幸福家园")
    comment = by_headline(result, "示范区党工委副书记张毅点评")
    news = by_headline(result, "区教体局筑牢防溺水安全防线")
    assert feature.kind == "feature" and comment.kind == "commentary" and news.kind == "news"
    assert feature.subtitle == "——湖光社区和谐社区创建记"
    assert feature.section_heads == ("构建党建治理框架，建强红色引擎",
                                     "有时间做志愿者，有困难找志愿者")
    assert feature.paragraphs[-1] == "湖光社区主动发掘辖区能人，吸纳热心群众参与社区治理。"
    assert feature.byline == "（本报记者 邱爽）" and feature.reporters == ("邱爽",)
    assert comment.paragraphs == (
        "新时代，如何体现基层党组织的引领作用？会议精神给我们提供了根本遵循。",)
    assert [a.headline for a in result.articles] == [
        "打造居民满意的幸福家园", "示范区党工委副书记张毅点评", "区教体局筑牢防溺水安全防线"]


@SHAPE_NOT_YET_LEARNED
def test_feature_resumes_after_a_photo_story_and_a_short_news_item() -> None:
    feature_start = [
        "探索实施“456”机制", "——卫东区推动基层治理面观",
        "4月19日，74岁的陈卫平来到神马社区调解室，查看有无邻里纠纷。",
        "“四个阵地”夯实治理架构",
        "陈卫平是神马社区第二党支部书记，老党员们在社区发挥了不可替代的作用。",
    ]
    text = page(
        *feature_start,
        "\n\n停车场正式启用", "4月22日，车辆停在免费停车位上。", "本报记者 朱江森 摄",
        "智慧矫正中心正式运行",
        "本报讯（记者朱江森）4月23日，记者从区司法局获悉，矫正中心正式运行。",
        "该局累计投入200余万元建设智能监控指挥调度系统。",
        "“神马社区有什么工作，老党员们都积极参与，为社区作出了极大贡献。”陈卫平说。",
        "“五项机制”构建参与格局",
        "地质社区召集老党员商讨环境提升事宜。",
        "（本报记者 朱江森 文/图）",
    )
    result = seg(text)
    feature = by_headline(result, "探索实施“456”机制")
    news = by_headline(result, "智慧矫正中心正式运行")
    assert feature.byline == "（本报记者 朱江森 文/图）"
    assert feature.paragraphs[-3].endswith("陈卫平说。")
    assert feature.section_heads == ("“四个阵地”夯实治理架构", "“五项机制”构建参与格局")
    assert news.paragraphs[-1] == "该局累计投入200余万元建设智能监控指挥调度系统。"
    assert [a.kind for a in result.articles] == ["feature", "photo", "news"]


def test_headline_printed_after_the_body() -> None:
    text = page(
        "七个引领 看一线",
        "本报讯（记者王小明）今年以来，示范区打好服务牌、亲情牌、政策牌“三张牌”，"
        "吸引优秀人才回乡投资兴业，构筑引才留才“强磁场”。",
        "打好“三张牌” 构筑“强磁场”",
        "示范区吸引优秀人才回乡投资兴业",
        "滨湖街道：送戏进村传廉意",
        "本报讯（记者王小明）3月26日，滨湖街道闫庄村上演廉政戏曲。",
    )
    first, second = seg(text).articles
    assert first.kicker == "七个引领 看一线"
    assert first.headline == "打好“三张牌” 构筑“强磁场”"
    assert first.subtitle == "示范区吸引优秀人才回乡投资兴业"
    assert second.headline == "滨湖街道：送戏进村传廉意"
    assert second.kicker is None


@TRADED_FOR_NEW_PAPERS  # a four-character debris line is kept as text
def test_junk_lines_are_kept_out_and_reported_with_line_numbers() -> None:
    text = ("安全生产 推动发展\n\n刘 \\Box 五 镇\n\n做\n\n本报讯(记者 李岩)冬季来临，"
            "全镇召开部署会。\n\n医阅商厅\n\n\n\n\n图一\n\n\n")
    result = seg(text)
    (article,) = result.articles
    assert article.headline == "安全生产 推动发展"
    assert article.paragraphs == ("冬季来临，全镇召开部署会。",)
    assert set(result.junk) == {"刘 \\Box 五镇", "做", "医阅商厅", "图一"}
    assert "第 3 行疑似识别噪声，未归入任何文章：“刘 \\Box 五镇”" in result.warnings
    assert any(w.startswith("第 9 行") and "医阅商厅" in w for w in result.warnings)
    assert any(w.startswith("第 14 行") and "图一" in w for w in result.warnings)


@SHAPE_NOT_YET_LEARNED
def test_text_before_the_first_headline_is_kept() -> None:
    result = seg(page("这是一段导语，概括了整版内容。", "## 标题一",
                      "本报讯（记者王小明）" + BODY_A))
    (article,) = result.articles
    assert article.paragraphs == ("这是一段导语，概括了整版内容。", BODY_A)


def test_headless_photo_story_and_empty_page() -> None:
    result = seg(page("## 标题一", "本报讯（记者王小明）" + BODY_A,
                      "\n\n\n当前，全镇2万余亩小青菜进入收获期。", "如今，小青菜产业兴旺。",
                      "本报记者 李岩 摄影报道"))
    photo = result.articles[1]
    assert photo.kind == "photo" and photo.headline == ""
    assert photo.paragraphs == ("当前，全镇2万余亩小青菜进入收获期。", "如今，小青菜产业兴旺。")
    assert any("没有可辨认的标题" in w for w in result.warnings)
    assert seg("").articles == ()
    assert seg("\n\n\n").articles == ()


def test_page_furniture_placeholders_and_picture_captions() -> None:
    text = page("第3版", "2023年8月25日 星期五", "## 全区召开推进会",
                "本报讯（记者王小明）" + BODY_A, "【图片】", "图为志愿者在社区开展义诊。",
                "责任编辑：张三 校对：李四")
    result = seg(text)
    (article,) = result.articles
    assert article.paragraphs == (BODY_A,)
    assert article.captions == ("图为志愿者在社区开展义诊。",)
    assert set(result.junk) == {"第3版", "2023年8月25日 星期五", "【图片】",
                                "责任编辑：张三 校对：李四"}
    assert any("版面信息" in w and w.startswith("第 1 行") for w in result.warnings)


def test_bare_byline_after_the_body_closes_the_article() -> None:
    result = seg(page("## 标题一", BODY_A, BODY_B, "本报记者 王小明", "## 标题二",
                      "新华社北京3月1日电（记者 赵六）" + BODY_A))
    first, second = result.articles
    assert first.byline == "本报记者 王小明" and first.reporters == ("王小明",)
    assert first.paragraphs == (BODY_A, BODY_B)
    assert second.byline == "新华社北京3月1日电（记者 赵六）"
    assert second.reporters == ("赵六",)


def test_question_headline_above_a_byline() -> None:
    result = seg(page("社区食堂办得怎么样？", "本报讯（记者王小明）" + BODY_A))
    (article,) = result.articles
    assert article.headline == "社区食堂办得怎么样？"
    assert article.paragraphs == (BODY_A,)


@SHAPE_NOT_YET_LEARNED
def test_photo_story_whose_credit_ends_the_caption_line() -> None:
    text = page("## 全区召开推进会", "本报讯（记者王小明）" + BODY_A,
                "\n\n樱花园免费停车场启用", "4月22日，车辆停在免费停车位上。 本报记者 王五 摄",
                "## 下一篇", "本报讯（记者王小明）" + BODY_B)
    photo = by_headline(seg(text), "樱花园免费停车场启用")
    assert photo.kind == "photo"
    assert photo.paragraphs == ("4月22日，车辆停在免费停车位上。",)
    assert photo.byline == "本报记者 王五 摄"


def test_last_paragraph_above_a_credit_stays_in_the_body() -> None:
    result = seg(page("## 全区召开推进会", "本报讯（记者王小明）" + BODY_A, BODY_B,
                      "本报记者 王五 摄"))
    (article,) = result.articles
    assert article.paragraphs == (BODY_A, BODY_B)
    assert article.captions == ("本报记者 王五 摄",)
    assert article.photographers == ("王五",)


def test_commentary_label_above_its_own_headline_is_the_column() -> None:
    result = seg(page("## 全区召开推进会", "本报讯（记者王小明）" + BODY_A,
                      "短评", "让服务更有温度", BODY_B,
                      "## 下一篇", "本报讯（记者王小明）" + BODY_A))
    comment = result.articles[1]
    assert comment.kind == "commentary"
    assert (comment.column, comment.headline) == ("短评", "让服务更有温度")
    assert comment.paragraphs == (BODY_B,)


@TRADED_FOR_NEW_PAPERS  # the second box's one line is read as a caption
def test_news_item_goes_on_after_two_photo_boxes() -> None:
    text = page("## 全区召开推进会", "本报讯（记者王小明）" + BODY_A,
                "\n\n停车场启用", "车辆停在免费停车位上。", "本报记者 王五 摄",
                "\n\n义诊进社区", "医生为居民义诊。", "本报记者 王五 摄",
                BODY_B)
    news, first, second = seg(text).articles
    assert news.paragraphs == (BODY_A, BODY_B)
    assert first.kind == second.kind == "photo"
    assert second.paragraphs == ("医生为居民义诊。",)


def test_untitled_story_takes_the_title_printed_after_its_body() -> None:
    text = page(
        "本报讯（记者王小明）今年以来，示范区打好服务牌、亲情牌、政策牌“三张牌”，"
        "吸引优秀人才回乡投资兴业，构筑引才留才“强磁场”。",
        "打好“三张牌” 构筑“强磁场”",
        "示范区吸引优秀人才回乡投资兴业",
        "滨湖街道：送戏进村传廉意",
        "本报讯（记者王小明）3月26日，滨湖街道闫庄村上演廉政戏曲。",
    )
    first, second = seg(text).articles
    assert (first.kicker, first.headline) == (None, "打好“三张牌” 构筑“强磁场”")
    assert first.subtitle == "示范区吸引优秀人才回乡投资兴业"
    assert second.headline == "滨湖街道：送戏进村传廉意"


def test_subheadings_in_a_page_with_marked_headlines() -> None:
    result = seg(page("## 打造居民满意的幸福家园", "本报讯（记者王小明）" + BODY_A,
                      "坚持党建引领原则", BODY_B, "## 下一篇", "本报讯（记者王小明）" + BODY_A))
    first = result.articles[0]
    assert first.section_heads == ("坚持党建引领原则",)
    assert first.paragraphs == (BODY_A, "坚持党建引领原则", BODY_B)


def test_lone_sentence_in_its_own_box_is_a_caption() -> None:
    text = page("## 全区召开推进会", "本报讯（记者王小明）" + BODY_A,
                "\n\n3月25日，志愿者在小区补植树木。\n\n\n",
                "## 下一篇", "本报讯（记者王小明）" + BODY_B)
    first, _ = seg(text).articles
    assert first.paragraphs == (BODY_A,)
    assert first.captions == ("3月25日，志愿者在小区补植树木。",)


@SHAPE_NOT_YET_LEARNED
def test_short_end_of_a_cut_paragraph_is_not_a_heading() -> None:
    result = seg(page("打造居民满意的幸福家园",
                      "本报讯（记者王小明）该镇项目建设现场气氛热烈，企业反响", "很好", BODY_B))
    (article,) = result.articles
    assert article.paragraphs == ("该镇项目建设现场气氛热烈，企业反响很好" + BODY_B,)
    assert article.section_heads == ()


def test_bulleted_byline_under_an_unmarked_headline_starts_an_article() -> None:
    result = seg(page(
        "全区召开经济工作推进会",
        "本报讯（记者王小明）3月1日，全区召开经济工作推进会。",
        "城东街道开展义诊活动",
        "□记者 赵六 文/图",
        "近日，城东街道开展义诊活动，为居民免费体检。",
    ))
    second = by_headline(result, "城东街道开展义诊活动")
    assert second.byline == "□记者 赵六 文/图"
    assert second.reporters == ("赵六",)
    assert second.paragraphs == ("近日，城东街道开展义诊活动，为居民免费体检。",)
    assert not result.junk


# -- sign-offs under the text --------------------------------------------------------------

def _walked(lines_and_roles: list[tuple[str, str]]) -> Article:
    text = cleaned("\n\n".join(line for line, _ in lines_and_roles))
    items = classify(text)
    roles = [role for _, role in lines_and_roles]
    labelled = [apply_role(it, role) for it, role in zip(items, roles, strict=True)]  # type: ignore[arg-type]
    (article,) = assemble_items(labelled).articles
    return article


@pytest.mark.parametrize(("sign_off", "names"), [
    ("（韦  明  严小东）", ("韦明", "严小东")),
    ("（作者为本报驻省城记者）", ()),
])
def test_bracketed_sign_off_without_a_role_stays_the_last_line_of_the_body(
        sign_off: str, names: tuple[str, ...]) -> None:
    article = _walked([("河畔新修的步道今天开放", "headline"),
                       ("本报讯 清晨的河边已经有不少散步的居民，步道两旁种上了新树。", "body"),
                       (sign_off, "tail")])
    assert article.paragraphs[-1].replace(" ", "") == sign_off.replace(" ", "")
    assert article.byline in (None, "", "本报讯")
    assert set(names) <= set(article.reporters)


@pytest.mark.parametrize("sign_off", ["（本报记者 钱小川 文/图）",
                                      "（新华社北京1月1日电  新华社记者）"])
def test_bracketed_byline_with_a_role_under_the_text_is_the_byline(sign_off: str) -> None:
    article = _walked([("河畔新修的步道今天开放", "headline"),
                       ("清晨的河边已经有不少散步的居民，步道两旁种上了新树。", "body"),
                       (sign_off, "tail")])
    assert article.byline is not None
    assert article.byline.replace(" ", "") == sign_off.replace(" ", "")
    assert article.paragraphs == ("清晨的河边已经有不少散步的居民，步道两旁种上了新树。",)


@pytest.mark.parametrize(("stack", "roles"), [
    (["“小站”撑起“大民生”", "让病人在家门口治病（民生一线）"], ["kicker", "headline"]),
    (["“小站”撑起“大民生”", "三座透析站让病人在家门口治病"], ["headline", "subtitle"]),
])
def test_stack_conventions_put_a_column_tag_on_the_headline(stack: list[str],
                                                           roles: list[str]) -> None:
    assert rule_stack_roles(classify(cleaned("\n\n".join(stack)))) == roles


def test_a_column_tag_under_a_headline_makes_that_line_the_headline() -> None:
    article = _walked([("山区三个乡镇建成血透站", "headline"),
                       ("让病人就近做透析（延伸阅读）", "subtitle"),
                       ("本报记者 钱小川", "byline"),
                       ("住在山里的病人，如今不用再翻山进城做透析了。", "body")])
    assert (article.kicker, article.headline, article.subtitle) == (
        "山区三个乡镇建成血透站", "让病人就近做透析（延伸阅读）", None)


def test_a_subtitle_stays_when_the_headline_carries_the_column_tag() -> None:
    article = _walked([("山区三个乡镇建成血透站（民生一线）", "headline"),
                       ("让病人就近做透析（图）", "subtitle"),
                       ("住在山里的病人，如今不用再翻山进城做透析了。", "body")])
    assert (article.kicker, article.headline) == (None, "山区三个乡镇建成血透站（民生一线）")


@pytest.mark.parametrize(("opening", "expected"), [
    ("新华社北京1月2日电  新年第一天，城里的公园早早开了门。", "headline"),
    ("本报讯（记者钱小川）新年第一天，城里的公园早早开了门。", "headline"),
    ("新年第一天，城里的公园早早开了门，游人不少。", "section"),
])
def test_a_subheading_over_a_dateline_is_the_next_articles_headline(opening: str,
                                                                    expected: str) -> None:
    items = classify(cleaned("\n\n".join(["公园迎来新年第一批游客", opening])))
    assert page_facts(items, ("section", "body")).get(0, "section") == expected


@pytest.mark.parametrize(("line", "kind"), [
    ("《河边的书》：钱小川著；某某出版社出版。", "caption"),
    ("《河边的书》：钱小川主编；某某出版社、某某大学出版社出版", "caption"),
    ("（《河边的书》：钱小川、李明编，某某出版社出版）", "body"),  # a note closing the text
    ("《河边的书》是一部写给孩子的散文集，也是一本地方史。", "body"),
])
def test_a_books_particulars_under_a_review_are_its_cover_caption(line: str, kind: str) -> None:
    assert classify(cleaned(line))[0].kind == kind


def test_a_review_keeps_its_text_after_the_book_caption() -> None:
    page = "\n\n".join([
        "重读一本写河的小书（书里书外）", "钱小川", "《河边的书》：钱小川著；某某出版社出版。",
        "这本书写的是一条河和住在河边的人，作者用了十年时间走完这条河，记下沿岸村庄的变化。",
        "书里最动人的一章写河上最后一位摆渡人，他在渡口守了四十年，送走一代又一代过河的人。"])
    (article,) = segment(cleaned(page)).articles
    assert article.captions == ("《河边的书》：钱小川著；某某出版社出版。",)
    assert article.paragraphs[0].startswith("这本书写的是一条河")


@pytest.mark.parametrize(("line", "signed"), [
    ("某某县城关二中  钱小川", True), ("某某市第一机床厂 李  明", True), ("湖畔新村 读书会", False),
    ("风雪中 最美的坚守", False), ("登记巡回点 婚姻新地标", False), ("城关二中 运动会", False)])
def test_a_place_or_workplace_and_a_name_is_a_signature(line: str, signed: bool) -> None:
    assert is_signature(line) == signed


def test_letters_signed_with_place_and_name_are_one_article_each() -> None:
    page = "\n\n".join([
        "我订这份报纸已经六年了，每天下班回家第一件事就是翻开它，看看城里又有什么新鲜事。",
        "某某县城关二中  钱小川",
        "一天晚上，孩子拿着报纸问我上面写的那条河在哪里，第二个周末我们就一起去看了。",
        "某某县河口乡新村  李明远"])
    first, second = segment(cleaned(page)).articles
    assert first.paragraphs[0].startswith("我订这份报纸") and first.reporters == ("钱小川",)
    assert second.paragraphs[0].startswith("一天晚上") and second.reporters == ("李明远",)


@pytest.mark.parametrize(("line", "expected"), [
    ("荒坡变良田，这样种出好收成（春耕一线）", "headline"),
    ("荒坡变良田，今年种出了好收成。（新华社）", "body"),  # a sentence and its source note
])
def test_a_line_closed_by_a_column_tag_over_a_byline_is_the_headline(line: str,
                                                                     expected: str) -> None:
    page = "\n\n".join([line, "本报记者  钱小川", "今年春天，村里把荒坡整成了良田。"])
    items = classify(cleaned(page))
    assert page_facts(items, ("body", "byline", "body")).get(0, "body") == expected


def test_a_title_line_over_a_column_tagged_headline_is_its_kicker() -> None:
    page = "\n\n".join(["山里的农场用上智能喷灌", "荒坡变良田，这样种出好收成（春耕一线）",
                        "本报记者  钱小川", "今年春天，村里把荒坡整成了良田，田边装上了喷灌。"])
    items = classify(cleaned(page))
    settled = page_facts(items, ("headline", "headline", "byline", "body"))
    assert settled == {0: "kicker"}


def test_the_line_under_a_books_particulars_is_the_reviews_text() -> None:
    page = "\n\n".join(["重读一本写河的小书", "钱小川", "《河边的书》：钱小川著；某某出版社出版。",
                        "写一条河，能写出一个地方的来历吗？这是读者最常问作者的问题。"])
    items = classify(cleaned(page))
    assert page_facts(items, ("headline", "byline", "caption", "caption")) == {3: "body"}


@pytest.mark.parametrize(("name", "settled"), [
    ("钱  川", {1: "byline"}), ("钱小川", {1: "byline"}),
    ("河边的小书写了十年，今天出版。", {}),  # a sentence, not names
])
def test_names_under_a_column_tagged_headline_are_its_byline(
        name: str, settled: dict[int, str]) -> None:
    page = "\n\n".join(["不能忘了那只背篓（热评）", name, "【关键词】某某客车",
                        "三月的一天早上，车站里人很多。"])
    items = classify(cleaned(page))
    assert page_facts(items, ("headline", "junk", "body", "body")) == settled


@pytest.mark.parametrize("credit", ["以上图片均为李明摄", "以上图片均为某某县博物馆提供"])
def test_a_group_credit_makes_the_lines_above_it_captions(credit: str) -> None:
    page = "\n\n".join(["从鱼到人的故事（科普）", "钱小川",
                        "一块三厘米长的古鱼化石，发现于某某县的山里。",
                        "另一块化石的头骨保存完好，发现于某某市。", credit,
                        "读者问：人真是从鱼变来的吗？编辑答：化石会告诉我们答案。"])
    items = classify(cleaned(page))
    settled = page_facts(items, ("headline", "byline", "body", "body", "section", "body"))
    assert settled == {2: "caption", 3: "caption", 4: "junk"}


@pytest.mark.parametrize(("line", "settled"), [
    ("人真是从鱼变来的吗？", {2: "body"}),
    ("古鱼化石的第二个发现", {}),  # a title: may be the subheading's second line
])
def test_a_sentence_under_a_subheading_is_its_text_not_a_headline(
        line: str, settled: dict[int, str]) -> None:
    page = "\n\n".join(["古鱼的化石在山里一块接一块地被找到，研究还在进行。",
                        "为什么说鱼是人的祖先", line,
                        "答案要从四亿年前说起，那时的海里已经有了最早的鱼。"])
    items = classify(cleaned(page))
    assert page_facts(items, ("body", "section", "headline", "body")) == settled


@pytest.mark.parametrize(("line", "settled"), [
    ("【关键词】“某某客车2180”", {2: "body"}),
    ("【事件】三月的一天早上，车站里人很多。", {2: "body"}),
    ("【点评】", {}),  # a label alone heads what follows
])
def test_a_paragraph_led_by_a_bracketed_label_is_text(line: str,
                                                      settled: dict[int, str]) -> None:
    page = "\n\n".join(["不能忘了那只背篓（热评）", "钱小川", line,
                        "三月的一天早上，车站里人很多。"])
    items = classify(cleaned(page))
    assert page_facts(items, ("headline", "byline", "junk", "body")) == settled


@pytest.mark.parametrize(("line", "roles", "settled"), [
    ("本报记者  钱  川", ("headline", "kicker", "body"), {1: "byline"}),
    ("记者 钱小川 通讯员 李明", ("body", "headline", "body"), {1: "tail"}),
    ("本报记者 钱小川 近日，村里修好了路。", ("headline", "kicker", "body"), {}),  # text follows
    ("某某县自然资源局供图", ("caption", "kicker", "body"), {1: "junk"}),
    ("李明摄", ("caption", "section", "body"), {1: "junk"}),
    ("李明摄", ("body", "section", "body"), {}),  # after text it may close a photo item
    ("【曾经】", ("section", "byline", "body"), {1: "section"}),
    ("核心阅读", ("byline", "headline", "body"), {1: "body"}),
])
def test_what_a_line_says_settles_what_it_is_not(line: str, roles: tuple[str, ...],
                                                 settled: dict[int, str]) -> None:
    page = "\n\n".join(["河边的村子修好了路", line,
                        "三月的一天早上，村里的路修好了，车站里人很多。"])
    items = classify(cleaned(page))
    assert page_facts(items, roles) == settled


@pytest.mark.parametrize(("role_above", "role_below", "settled"), [
    ("body", "section", {1: "section"}), ("kicker", "section", {1: "section"}),
    ("body", "body", {})])
def test_a_title_over_a_subheading_inside_text_is_a_subheading(
        role_above: str, role_below: str, settled: dict[int, str]) -> None:
    page = "\n\n".join(["村里的路修好了，车站里人很多。", "江西某县 山坡治理",
                        "【曾经】", "山坡上的土一下雨就往下冲。"])
    items = classify(cleaned(page))
    assert page_facts(items, (role_above, "headline", role_below, "body")) == settled


@pytest.mark.parametrize("line", ["2025年05月13日 第19版：党建", "第14版：综合"])
def test_an_edition_line_is_never_an_articles_kicker(line: str) -> None:
    items = classify(cleaned("\n\n".join([line, "村里的路修好了（民生）", "钱小川",
                                          "三月的一天早上，村里的路修好了。"])))
    assert page_facts(items, ("kicker", "headline", "byline", "body")) == {0: "junk"}


@pytest.mark.parametrize(("role_below", "settled"), [("section", {3: "section"}), ("headline", {})])
def test_a_title_between_two_subheadings_is_one_more(role_below: str,
                                                     settled: dict[int, str]) -> None:
    text = "村里的路修好了，车站里人很多，大家都很高兴。"
    page = "\n\n".join(["先把路修好", text, text, "再把车站建好", text, text, "最后管好村子", text])
    roles = ("section", "body", "body", "headline", "body", "body", role_below, "body")
    assert page_facts(classify(cleaned(page)), roles) == settled


@pytest.mark.parametrize(("first", "settled"), [
    ("河边桥上留个影", {0: "headline"}),
    ("潍河晚报", {0: "headline"}),  # a masthead over text reads as a title too
    ("3月3日，在河边的桥上，游客们排队留影。", {}),  # a sentence
    ("第14版：综合", {}),  # furniture stays debris
])
def test_a_pages_first_short_line_over_text_is_a_headline(first: str,
                                                          settled: dict[int, str]) -> None:
    page = "\n\n".join([first, "3月3日，在河边的桥上，游客们排队留影。", "本报记者 钱小川"])
    items = classify(cleaned(page))
    assert page_facts(items, ("junk", "opener", "tail")) == settled


def test_text_under_a_headline_never_opens_an_article_of_its_own() -> None:
    page = "\n\n".join(["河边桥上留个影", "3月3日，在河边的桥上，游客们排队留影。",
                        "本报记者 钱小川"])
    items = classify(cleaned(page))
    assert page_facts(items, ("headline", "opener", "tail")) == {1: "body"}
