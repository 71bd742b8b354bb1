"""The event-stream builder (heatctl.dsl.fastload) gives what the node-based builder gives:
the same values, the same positions, the same error at the same place."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heatctl.dsl import fastload
from heatctl.dsl.loader import Limits, LoadError, MappingNode, SequenceNode, loads

WORDS = ["a", "b", "0", "1.5", "-1", "0x1f", "true", "no", "null", "~", "", "=", "2013-05-23",
         "r1", "type", "OS::Heat::None", "x y", "é", "1_000", ".inf", "12:30"]  # fmt: skip
scalars = st.one_of(
    st.sampled_from(WORDS),
    st.integers(-5, 10**6),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, width=16),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(WORDS), children, max_size=4),
    ),
    max_leaves=30,
)
# With the fast path forced, aliases, tags and merge keys must make it hand over.
NOISE = [":", "-", "[", "]", "{", "}", ",", "'", '"', "\n", " ", "#", "=", "?", "|", ">", "a", "&",
         "*", "!", "<<: ", "&x ", "*x", "!!str "]  # fmt: skip


def _outcome(text: str, fast: bool | None, depth: int) -> Any:
    """Loading `text` with the fast path forced (True), refused (False) or as chosen."""
    with pytest.MonkeyPatch.context() as patch:
        if fast is not None:
            patch.setattr(fastload, "usable", lambda text, loader_class: fast)
        try:
            return "ok", _shape(loads(text, "t.yaml", expect=None, limits=Limits(max_depth=depth)))
        except LoadError as exc:
            (d,) = exc.diagnostics
            return "error", d.message, d.line, d.col


def _shape(value: Any) -> Any:
    """The value with every position in it, for comparison."""
    if isinstance(value, MappingNode):
        items = [(k, _shape(v), value.key_marks[k], value.value_marks[k]) for k, v in value.items()]
        return ("map", value.mark, items)
    if isinstance(value, SequenceNode):
        return ("seq", value.mark, value.item_marks, [_shape(v) for v in value])
    return (type(value).__name__, value)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    documents,
    st.booleans(),
    st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(NOISE), st.booleans()), max_size=3),
    st.sampled_from([3, 100]),
)
def test_fast_and_node_builders_agree(
    document: Any,
    flow: bool,
    edits: list[tuple[int, str, bool]],
    depth: int,
) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    for where, char, insert in edits:  # break it now and then
        where %= len(text) + 1
        text = text[:where] + char + text[where + (0 if insert else 1) :]
    if "\t" in text or not text.strip():
        return
    expected = _outcome(text, False, depth)
    assert _outcome(text, None, depth) == expected
    if "*" not in text:
        # Forced, the fast path must hand over by itself on tags, anchors and merge keys.
        # (Not with a `*`: the node-based builder then also checks the depth of plain
        # strings while it looks for alias bombs, which the fast path never needs to.)
        assert _outcome(text, True, depth) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [x, {c: d}]\n",
        "a: 1\na: 2\n",  # duplicate key
        "a: 1\na: 2\nb: [\n",  # a syntax error later wins
        "a: =\n",  # an unsupported implicit tag
        "a: [[[[1]]]]\n",  # too deep for max_depth 3
        "a: 1\n---\nb: 2\n",  # two documents
        "a: 1\n...\n",
        "---\n",
        "# nothing\n",
        "[1, 2]\n",
        "plain\n",
        "&anchor a: 1\n",  # anchors without aliases: the node builder takes over
        "? [a]\n: 1\n",  # a sequence as a key: likewise
        "{a: 1, 0: x, 0: y}\n",
        "base: &b {x: 1}\nother: *b\n",  # an alias
        "a: !!str 1\nb: ! 2\n",  # tags
        "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",  # a merge key
        "<<: {a: 1}\n",
        "d: 2013-05-23\nt: 2001-12-14t21:59:43.10-05:00\nb: 0b101\n",
    ],
)
def test_examples_agree(text: str) -> None:
    expected = _outcome(text, False, 3)
    assert _outcome(text, None, 3) == expected
    if "*" not in text:
        assert _outcome(text, True, 3) == expected


def test_a_template_without_alias_tag_or_merge_takes_the_fast_path() -> None:
    assert fastload.usable("a: {b: [1, 2]}\n", yaml.CSafeLoader)
    assert not fastload.usable("a: *x\n", yaml.CSafeLoader)
    assert not fastload.usable("a: !Ref x\n", yaml.CSafeLoader)
    assert not fastload.usable("- [!Ref x]\n", yaml.CSafeLoader)
    assert fastload.usable("description: Hello!\n", yaml.CSafeLoader)
    assert not fastload.usable("<<: {}\n", yaml.CSafeLoader)
