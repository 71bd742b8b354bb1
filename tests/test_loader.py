"""The safe loader: positions, limits and one clear diagnostic for each kind of bad input."""

from __future__ import annotations

import time

import pytest

from heatctl.dsl.diagnostics import locate
from heatctl.dsl.loader import Limits, LoadError, MappingNode, SequenceNode, load_file, loads


def error_of(text: str | bytes, **kwargs) -> tuple[str, int | None, int | None]:
    with pytest.raises(LoadError) as info:
        loads(text, "t.yaml", **kwargs)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.file == "t.yaml"
    return diagnostic.message, diagnostic.line, diagnostic.col


def test_positions_of_keys_values_and_items():
    doc = loads("a: 1\nb:\n  - x\n  - {c: 2}\n", "t.yaml")
    assert isinstance(doc, MappingNode)
    assert doc.key_marks["b"] == (2, 1)
    assert isinstance(doc["b"], SequenceNode)
    assert doc["b"].item_marks == [(3, 5), (4, 5)]
    assert locate(doc, ["b", 1, "c"]) == (4, 9)
    assert locate(doc, ["b", 1, "c"], key=True) == (4, 6)
    # A path that goes past what the file has points at the deepest known place.
    assert locate(doc, ["b", 1, "c", "nope"]) == (4, 9)


def test_dates_stay_strings_and_yaml11_booleans():
    doc = loads("heat_template_version: 2013-05-23\nflag: yes\nn: 010\n", "t.yaml")
    assert doc["heat_template_version"] == "2013-05-23"
    assert doc["flag"] is True
    assert doc["n"] == 8  # YAML 1.1 octal, as PyYAML (and so Heat) reads it


def test_duplicate_key():
    message, line, col = error_of("a: 1\nb: 2\na: 3\n")
    assert "duplicate key 'a'" in message and "line 1" in message
    assert (line, col) == (3, 1)


def test_duplicate_integer_key_points_at_the_first_one():
    # Positions are stored packed next to the keys: a key equal to a packed position
    # (0 is line 1, column 1) must still find its own first line.
    message, line, _ = error_of("a: 1\n0: x\n0: y\n")
    assert "duplicate key '0'" in message and "line 2" in message
    assert line == 3


def test_positions_of_the_mapping_and_sequence_themselves():
    doc = loads("top:\n  inner: [1, 2]\n", "t.yaml")
    assert doc.mark == (1, 1)
    assert doc["top"].mark == (2, 3)
    assert doc["top"]["inner"].mark == (2, 10)
    assert doc["top"]["inner"].item_marks == [(2, 11), (2, 14)]
    assert doc["top"].value_marks == {"inner": (2, 10)}
    assert MappingNode().mark is None and MappingNode().key_marks == {}
    assert SequenceNode().item_marks == []


def test_duplicate_key_json():
    message, _, _ = error_of('{"a": 1,\t"a": 2}')
    assert "duplicate key 'a'" in message


def test_tab_indentation():
    message, line, _ = error_of("a:\n\tb: 1\n")
    assert "tab" in message
    assert line == 2


def test_malformed_yaml_has_location():
    message, line, col = error_of("a: [1, 2\nb: 3\n")
    assert message.startswith("invalid YAML")
    assert line is not None and col is not None


def test_malformed_json_has_location():
    message, line, _ = error_of('{"a": 1,\n\t"b": }\n')
    assert message.startswith("invalid JSON")
    assert line == 2


def test_billion_laughs_rejected_fast():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    start = time.perf_counter()
    message, line, _ = error_of("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1.0
    assert "alias" in message
    assert line is not None


def test_small_aliases_are_fine():
    doc = loads("base: &b {x: 1}\nother: *b\n", "t.yaml")
    assert doc["other"] == {"x": 1}


def test_deep_nesting():
    message, _, _ = error_of("a: " + "[" * 500 + "]" * 500 + "\n")
    assert "nesting" in message


def test_size_limit():
    message, _, _ = error_of("a: " + "x" * 2000 + "\n", limits=Limits(max_bytes=1000))
    assert "over the limit of 1,000 bytes" in message


def test_binary_and_non_utf8():
    assert "binary" in error_of(b"a: 1\n\x00\x01")[0]
    message, line, col = error_of(b"a: 1\nb: \xff\xfe\n")
    assert "UTF-8" in message and (line, col) == (2, 4)


def test_top_level_must_be_mapping():
    assert "not a list" in error_of("- 1\n- 2\n")[0]
    assert "not a string" in error_of("just text\n")[0]
    assert "empty" in error_of("\n  \n")[0]


def test_python_tags_refused():
    message, line, _ = error_of("a: !!python/object/apply:os.system ['true']\n")
    assert "unsupported YAML tag" in message and line == 1
    assert "unsupported YAML tag '!Ref'" in error_of("a: !Ref x\n")[0]


def test_missing_file(tmp_path):
    with pytest.raises(LoadError) as info:
        load_file(tmp_path / "nope.yaml")
    assert "no such file" in info.value.diagnostics[0].message


def test_bom_is_ignored():
    assert loads("\ufeffa: 1\n".encode(), "t.yaml") == {"a": 1}
