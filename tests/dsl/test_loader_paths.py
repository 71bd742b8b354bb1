"""The loader's fast paths (no alias, no merge key) give the same result as the full ones."""

from __future__ import annotations

import pytest

from heatctl.dsl.loader import Limits, LoadError, SequenceNode, loads, mark_of


def test_aliases_are_shared_and_merge_keys_work():
    doc = loads("a: &x {k: 1}\nb: *x\nc:\n  <<: *x\n  j: 2\nd: {<<: {m: 3}, n: 4}\n")
    assert doc == {"a": {"k": 1}, "b": {"k": 1}, "c": {"k": 1, "j": 2}, "d": {"m": 3, "n": 4}}
    assert doc["a"] is doc["b"]


def test_plain_strings_keep_their_positions():
    doc = loads("top:\n  - one\n  - {two: three}\n  - 4\n")
    items = doc["top"]
    assert isinstance(items, SequenceNode)
    assert items == ["one", {"two": "three"}, 4]
    assert [mark_of(items, i) for i in range(3)] == [(2, 5), (3, 5), (4, 5)]
    assert mark_of(items[1], "two") == (3, 11)
    assert mark_of(items[1], "two", key=True) == (3, 6)


def test_depth_limit_without_aliases():
    text = "a: " + "[" * 30 + "]" * 30 + "\n"
    with pytest.raises(LoadError) as info:
        loads(text, limits=Limits(max_depth=10))
    assert "nesting deeper than 10 levels" in info.value.diagnostics[0].message


def test_star_in_a_string_is_not_an_alias():
    assert loads("a: 'OS::Neutron*'\nb: x*y\n") == {"a": "OS::Neutron*", "b": "x*y"}
