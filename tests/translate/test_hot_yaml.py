"""dump_hot: deterministic, HOT key order, and no value changes type on reload."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heatctl.dsl.loader import loads, plain
from heatctl.translate.hot_yaml import dump_hot, dump_yaml

TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "Yes",
    "NO",
    "y",
    "n",
    "true",
    "False",
    "010",
    "0x1f",
    "0o17",
    "1e3",
    "1E3",
    "1_000",
    "1.5",
    ".5",
    "-1",
    "+1",
    ".inf",
    "-.Inf",
    ".nan",
    "null",
    "Null",
    "~",
    "",
    "2013-05-23",
    "2001-12-14t21:59:43.10-05:00",
    "12:30:00",
    "1:20",
    "a: b",
    "don't panic: now",
    '"quoted"',
    "'single'",
    "#comment",
    "- item",
    "? key",
    "@at",
    "`tick",
    "|",
    ">",
    "&anchor",
    "*alias",
    "!tag",
    "%pct",
    "{ get_resource: X }",
    "[1, 2]",
    "tab\there",
    "trailing ",
    " leading",
    "line1\nline2",
    "line1\nline2\n",
    "\n",
    "  indented\nblock",
    "=",
    "<<",
    "ünïcödé",
    "#ADD_YOUR_IMAGE_HERE",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_strings_stay_strings(text: str) -> None:
    doc = {"value": text, text or "empty": [text]}
    assert plain(loads(dump_yaml(doc))) == doc


def test_yaml_12_number_forms_are_quoted() -> None:
    out = dump_yaml({"a": "1e3", "b": "1_000", "c": "0o17", "d": "yes"})
    for text in ("'1e3'", "'1_000'", "'0o17'", "'yes'"):
        assert text in out


def test_hot_key_order() -> None:
    hot = {
        "outputs": {"o": {"value": 1, "description": "d"}},
        "resources": {"r": {"depends_on": ["x"], "properties": {}, "type": "OS::Nova::Server"}},
        "parameters": {"p": {"default": 1, "type": "number"}},
        "description": "d",
        "heat_template_version": "2013-05-23",
    }
    text = dump_hot(hot)
    assert text.startswith("heat_template_version: 2013-05-23\ndescription: d\nparameters:")
    assert text.index("parameters:") < text.index("resources:") < text.index("outputs:")
    assert (
        text.index("type: OS::Nova::Server") < text.index("properties:") < text.index("depends_on")
    )
    assert text.index("type: number") < text.index("default: 1")
    assert text.index("description: d\n    value") > 0
    assert plain(loads(text)) == hot


def test_scripts_are_literal_blocks() -> None:
    text = dump_hot({"resources": {"c": {"properties": {"config": "#!/bin/bash\necho hi\n"}}}})
    assert "config: |\n        #!/bin/bash\n        echo hi\n" in text


def test_floats_read_back_as_floats() -> None:
    for value in (1e16, -2.5e-7, 0.1, float("inf")):
        assert plain(loads(dump_yaml({"v": value}))) == {"v": value}


def test_deterministic() -> None:
    hot = {
        "heat_template_version": "2016-04-08",
        "resources": {f"r{i}": {"type": "T"} for i in range(50)},
    }
    assert dump_hot(hot) == dump_hot(dict(hot))


scalars = (
    st.text(max_size=20)
    | st.sampled_from(TRICKY)
    | st.integers()
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.none()
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10) | st.sampled_from(TRICKY), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=10) | st.sampled_from(TRICKY), values, max_size=5))
def test_round_trip(doc: dict) -> None:
    text = dump_yaml(doc)
    assert plain(loads(text)) == doc
    assert dump_yaml(doc) == text
