"""HtmlEnvironment: faster autoescaped output, the same HTML as Jinja's own."""

from __future__ import annotations

import jinja2
import markupsafe
from hypothesis import given
from hypothesis import strategies as st

from baoku.templating import HtmlEnvironment, escape_output


class Shown:
    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


class HasHtml:
    def __html__(self) -> str:
        return "<b>已是 HTML</b>"


@given(st.text())
def test_plain_strings_escape_exactly_as_markupsafe(text: str) -> None:
    assert escape_output(text) == str(markupsafe.escape(text))


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.text().map(markupsafe.Markup),
                 st.text().map(Shown)))
def test_other_values_escape_exactly_as_markupsafe(value: object) -> None:
    assert escape_output(value) == markupsafe.escape(value)


def test_values_that_are_already_html_are_kept() -> None:
    assert escape_output(HasHtml()) == "<b>已是 HTML</b>"
    assert escape_output(markupsafe.Markup("<i>题</i>")) == "<i>题</i>"


TEMPLATE = """\
{% macro item(x) %}<li title="{{ x }}">{{ x }}</li>{% endmacro %}
{% set block_text %}<p>{{ text }}</p>{% endset %}
<h1>{{ text }}</h1>{{ number }} {{ html }} {{ text|safe }} {{ item(text) }}
{{ block_text }} {{ text ~ number }} {{ [text, number]|join("、") }} {{ none_value }}
{% autoescape false %}{{ text }}{% endautoescape %}
{% autoescape true %}{{ text }}{% endautoescape %}
{{ shown }} {{ text|upper }} {{ text if flag else number }}
"""


@given(text=st.text(), number=st.integers(), flag=st.booleans())
def test_templates_render_the_same_bytes_as_with_jinjas_own_escape(
        text: str, number: int, flag: bool) -> None:
    values = {"text": text, "number": number, "html": HasHtml(), "none_value": None,
              "shown": Shown(text), "flag": flag}
    ours = HtmlEnvironment(autoescape=True).from_string(TEMPLATE).render(values)
    jinjas = jinja2.Environment(autoescape=True).from_string(TEMPLATE).render(values)
    assert ours == jinjas


def test_autoescaped_outputs_are_compiled_to_the_fast_escape() -> None:
    # Guards the speed-up against a Jinja release that renames the hook we override.
    source = HtmlEnvironment(autoescape=True).compile("{{ value }}", raw=True)
    assert "environment.escape_output(" in source
    plain = HtmlEnvironment(autoescape=False).compile("{{ value }}", raw=True)
    assert "escape_output" not in plain  # text templates are not escaped at all


def test_text_templates_stay_unescaped() -> None:
    env = HtmlEnvironment(autoescape=False)
    assert env.from_string("{{ v }}").render(v="<a & b>") == "<a & b>"
