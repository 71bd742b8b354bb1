"""The fast paths added for translation speed give exactly what the paths they replace give.

- loader.locate_in() and mark_of() (packed positions read directly) against
  diagnostics.locate() and the decoded key_marks/value_marks/item_marks, for every
  position of every TOSCA corpus document;
- loader.read_bytes() against Path.read_bytes(); sources.real_path() against
  Path.resolve(), symbolic links included;
- the HOT emitter writing the template as given against writing a plain ordered copy,
  and its memoised quoting against quoting afresh;
- the per-process tables (normative capability tables, lineages, resolved scalars,
  quoting): translating the corpus in one order, then in reverse, in one process gives
  what a fresh process gives for each file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from heatctl.dsl.diagnostics import locate
from heatctl.dsl.loader import (
    LoadError,
    MappingNode,
    SequenceNode,
    load_file,
    loads,
    locate_in,
    mark_of,
    read_bytes,
)
from heatctl.errors import InvalidInput
from heatctl.translate import translate_file
from heatctl.translate.hot_yaml import _dump, _quote, _string, dump_hot, dump_yaml, order_hot
from heatctl.translate.tosca.sources import real_path
from tests.conftest import ROOT, corpus_path


def _corpus_yaml() -> list[Path]:
    base = corpus_path("tosca")
    return sorted(p for p in base.rglob("*") if p.suffix in (".yaml", ".yml"))


def _corpus_inputs() -> list[Path]:
    base = corpus_path("tosca")
    return sorted(
        p
        for p in base.rglob("*")
        if p.suffix in (".yaml", ".yml", ".zip", ".csar")
        and "hot_output" not in p.parts
        and "toscaparser" not in p.parts
    )


def _documents() -> Iterator[tuple[Path, Any]]:
    for path in _corpus_yaml():
        try:
            yield path, load_file(path, expect=None)
        except LoadError:
            continue


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into a loaded document, plus one missing step under each container."""
    if isinstance(node, dict):
        yield (*prefix, "no such key")
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        yield (*prefix, len(node))
        yield (*prefix, -len(node) - 1)
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield (*prefix, index - len(node))  # negative indexes, as locate() takes them
            yield from _paths(value, (*prefix, index))


def test_locate_in_answers_as_locate_for_every_corpus_position() -> None:
    checked = 0
    for path, _ in _documents():
        for key in (False, True):
            fresh = load_file(path, expect=None)  # positions not decoded yet
            decoded = load_file(path, expect=None)
            for where in _paths(decoded):
                expected = locate(decoded, where, key=key)  # decodes on the way
                assert locate_in(fresh, where, key=key) == expected, (path, where, key)
                assert locate_in(decoded, where, key=key) == expected, (path, where, key)
                checked += 1
    assert checked > 10_000


def test_mark_of_reads_the_packed_positions_as_the_decoded_ones() -> None:
    def walk(fresh: Any, decoded: Any) -> Iterator[tuple[Any, Any]]:
        yield fresh, decoded
        if isinstance(decoded, dict):
            for key in decoded:
                yield from walk(fresh[key], decoded[key])
        elif isinstance(decoded, list):
            for a, b in zip(fresh, decoded, strict=True):
                yield from walk(a, b)

    for path, decoded in _documents():
        fresh = load_file(path, expect=None)
        for node, twin in walk(fresh, decoded):
            if isinstance(twin, MappingNode):
                for key in twin:
                    assert mark_of(node, key, key=True) == twin.key_marks[key]
                    assert mark_of(node, key) == twin.value_marks[key]
                assert mark_of(node, "no such key") is None
            elif isinstance(twin, SequenceNode):
                for index in range(-len(twin), len(twin)):
                    assert mark_of(node, index) == twin.item_marks[index]
                assert mark_of(node, len(twin)) is None


def test_locate_in_without_positions_and_with_bad_steps() -> None:
    assert locate_in({"a": {"b": 1}}, ("a", "b")) == locate({"a": {"b": 1}}, ("a", "b"))
    doc = loads("a:\n  - x\n  - {b: 1}\n", "t.yaml")
    for where in [("a", 1, "b"), ("a", 5), ("a", "x"), ("a", 1, "b", "c"), ("z",), ()]:
        assert locate_in(doc, where) == locate(doc, where)
    unmarked = MappingNode({"a": 1})  # built by code, not by the loader
    assert locate_in(unmarked, ("a",)) == locate(unmarked, ("a",)) == (None, None)
    with pytest.raises(TypeError):
        locate_in(doc, (["unhashable"],))
    with pytest.raises(TypeError):
        locate(doc, (["unhashable"],))


def test_read_bytes_is_path_read_bytes(tmp_path: Path) -> None:
    for path in _corpus_inputs()[:80]:
        assert read_bytes(path) == path.read_bytes()
        assert read_bytes(path, 10) == path.read_bytes()  # over the limit: all of it
        assert read_bytes(path, 1 << 20) == path.read_bytes()
    empty = tmp_path / "empty.yaml"
    empty.write_bytes(b"")
    assert read_bytes(empty) == b"" and read_bytes(empty, 100) == b""
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "missing")
    with pytest.raises(IsADirectoryError):
        read_bytes(tmp_path)


def test_real_path_is_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in _corpus_inputs()[:40]:
        assert real_path(path) == path.resolve()
    target = tmp_path / "real" / "t.yaml"
    target.parent.mkdir()
    target.write_text("a: 1\n")
    (tmp_path / "link_dir").symlink_to(tmp_path / "real")
    (tmp_path / "link_file").symlink_to(target)
    (tmp_path / "chain").symlink_to(tmp_path / "link_file")
    monkeypatch.chdir(tmp_path)
    cases = [
        tmp_path / "link_dir" / "t.yaml",
        tmp_path / "link_file",
        tmp_path / "chain",
        Path("link_dir/../real/t.yaml"),
        Path("chain"),
        tmp_path / "missing.yaml",
        Path("."),
    ]
    for case in cases:
        assert real_path(case) == case.resolve(), case


def _translations() -> Iterator[tuple[Path, Any]]:
    for path in _corpus_inputs():
        try:
            yield path, translate_file(path)
        except InvalidInput:
            continue


def test_dump_hot_writes_what_a_plain_ordered_copy_gives() -> None:
    """dump_hot() no longer copies the template first: same bytes as emitting the plain,
    ordered copy order_hot() makes (which the JSON output still uses)."""
    count = 0
    for path, result in _translations():
        for hot in (result.hot, *result.nested.values()):
            copy = _dump(order_hot(hot))
            version = hot.get("heat_template_version")
            copy = copy.replace(
                f"heat_template_version: '{version}'", f"heat_template_version: {version}", 1
            )
            assert dump_hot(hot) == copy, path
            count += 1
    assert count > 100


class _Text(str):
    """A str subclass, as a translator could hand over."""


scalars = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["yes", "no", "010", "1e3", "a: b", "x\ny\n", "~", "", "-", "'q'", "é"]),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=6), children, max_size=4),
        st.dictionaries(st.text(max_size=6), children, max_size=3).map(MappingNode),
        st.lists(children, max_size=3).map(SequenceNode),
        st.text(max_size=8).map(_Text),
    ),
    max_leaves=25,
)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k) if isinstance(k, str) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


@settings(max_examples=300, deadline=None)
@given(values)
def test_the_emitter_writes_subclasses_and_tuples_as_plain_values(value: Any) -> None:
    text = dump_yaml(value)
    assert text == dump_yaml(_plain(value))
    assert yaml.safe_load(text) == _plain(value) or not isinstance(value, dict | list | tuple)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_memoised_quoting_is_fresh_quoting(text: str) -> None:
    assert _string(text) == _quote(text)
    assert _string(text) == _quote(text)  # the second time from the table


_FRESH = """
import json, sys
from pathlib import Path
from heatctl.errors import InvalidInput
from heatctl.translate import translate_file
from heatctl.translate.hot_yaml import dump_hot
out = {}
for name in sys.argv[1:]:
    try:
        r = translate_file(Path(name))
    except InvalidInput as exc:
        out[name] = ["error", [d.format() for d in exc.diagnostics]]
        continue
    out[name] = [dump_hot(r.hot), {k: dump_hot(v) for k, v in sorted(r.nested.items())},
                 [e.format() for e in r.report], sorted(r.files)]
print(json.dumps(out))
"""


def _outcome(path: Path) -> Any:
    try:
        r = translate_file(path)
    except InvalidInput as exc:
        return ["error", [d.format() for d in exc.diagnostics]]
    return [
        dump_hot(r.hot),
        {k: dump_hot(v) for k, v in sorted(r.nested.items())},
        [e.format() for e in r.report],
        sorted(r.files),
    ]


def test_tables_kept_per_process_change_no_translation() -> None:
    """Translating the corpus forwards and then backwards in this process gives, for each
    file, what a fresh process translating the corpus forwards gives: nothing a
    translation leaves in the per-process tables changes a later one."""
    files = _corpus_inputs()
    names = [str(p) for p in files]
    proc = subprocess.run(
        [sys.executable, "-c", _FRESH, *names],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    fresh = json.loads(proc.stdout)
    for path in files:
        _outcome(path)
    for path in reversed(files):
        assert _outcome(path) == fresh[str(path)], path


def test_resolved_scalars_table_keeps_problems_and_follows_the_resolvers() -> None:
    """Plain scalars resolved once are taken from a table: a value resolved at a shallow
    depth still fails when it sits deeper than the limit, and a loader class whose
    implicit resolvers change gets a new table."""
    from heatctl.dsl import fastload
    from heatctl.dsl.loader import Limits

    deep = "a:\n  b:\n    c: 12\n"
    assert loads("x: 12\n", "t.yaml") == {"x": 12}  # 12 is in the table now
    with pytest.raises(LoadError) as caught:
        loads(deep, "t.yaml", limits=Limits(max_depth=3))
    assert caught.value.diagnostics[0].message == "nesting deeper than 3 levels"
    assert (caught.value.diagnostics[0].line, caught.value.diagnostics[0].col) == (3, 8)
    assert loads(deep, "t.yaml", limits=Limits(max_depth=4)) == {"a": {"b": {"c": 12}}}

    class Loader(yaml.CSafeLoader):  # type: ignore[misc]
        pass

    before = fastload._resolution_cache(Loader("a: 1"))
    assert fastload._resolution_cache(Loader("a: 1")) is not None
    Loader.add_implicit_resolver("tag:example,2026:x", __import__("re").compile("^zz$"), ["z"])
    after = fastload._resolution_cache(Loader("a: 1"))
    assert "z" in after[0] and "z" not in before[0]
    assert after[1] is not before[1]  # a fresh table of resolved scalars


def test_load_source_reads_once_and_tells_zips_as_is_zip_archive_did() -> None:
    from heatctl.dsl.files import is_zip_archive
    from heatctl.translate import load_source

    for path in _corpus_inputs():
        if is_zip_archive(path):
            assert load_source(path) == {"tosca_definitions_version": "csar", "__csar__": str(path)}
            assert read_bytes(path, 1 << 20, b"PK\x03\x04") is None
            continue
        try:
            expected: Any = load_file(path)
        except LoadError as exc:
            with pytest.raises(LoadError) as caught:
                load_source(path)
            assert caught.value.diagnostics == exc.diagnostics
            continue
        assert load_source(path) == expected
        assert read_bytes(path, 1 << 20, b"PK\x03\x04") == path.read_bytes()


# Anchors and aliases through the event builder: the same values, positions, sharing and
# errors as the node graph gives, including the alias-bomb and depth limits.
_anchored = st.recursive(
    st.one_of(st.integers(-3, 3), st.sampled_from(["x", "yes", "1.5", "~", "a b"])),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.sampled_from("abc"), children)
    ),
    max_leaves=8,
)


def _alias_text(values: list[Any], uses: list[tuple[int, int]], flow: bool) -> str:
    lines = ["defs:"]
    for index, value in enumerate(values):
        lines.append(f"  d{index}: &a{index} {json.dumps(value)}")
    lines.append("use:")
    for index, (which, shape) in enumerate(uses):
        ref = f"*a{which % len(values)}"
        if shape == 0:
            lines.append(f"  - {ref}")
        elif shape == 1:
            lines.append(f"  - {{k{index}: {ref}, n: [{ref}, 1]}}" if flow else f"  - k: {ref}")
        else:
            lines.append(f"  - - - {ref}")
    return "\n".join(lines) + "\n"


def _loaded(text: str, fast: bool | None, limits: Any) -> Any:
    from heatctl.dsl import fastload

    with pytest.MonkeyPatch.context() as patch:
        if fast is not None:
            patch.setattr(fastload, "usable", lambda text, loader_class: fast)
        try:
            return "ok", _shared_shape(loads(text, "t.yaml", expect=None, limits=limits), {})
        except LoadError as exc:
            (d,) = exc.diagnostics
            return "error", d.message, d.line, d.col


def _shared_shape(value: Any, seen: dict[int, int]) -> Any:
    """The value with its positions, and which containers are one object (aliases)."""
    if isinstance(value, dict | list):
        if id(value) in seen:
            return ("same object as", seen[id(value)])
        seen[id(value)] = len(seen)
    if isinstance(value, MappingNode):
        items = [
            (k, _shared_shape(v, seen), value.key_marks[k], value.value_marks[k])
            for k, v in value.items()
        ]
        return ("map", value.mark, items)
    if isinstance(value, SequenceNode):
        return ("seq", value.mark, value.item_marks, [_shared_shape(v, seen) for v in value])
    return (type(value).__name__, value)


@settings(max_examples=250, deadline=None)
@given(
    st.lists(_anchored, min_size=1, max_size=3),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2)), max_size=5),
    st.booleans(),
    st.sampled_from([(3, 2_000_000), (5, 2_000_000), (100, 40), (100, 2_000_000)]),
    st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(["*a0", "&a0 ", ":", "- "])), max_size=2
    ),
)
def test_aliases_in_the_event_builder_agree_with_the_node_graph(
    values: list[Any],
    uses: list[tuple[int, int]],
    flow: bool,
    limits: tuple[int, int],
    edits: list[tuple[int, str]],
) -> None:
    from heatctl.dsl.loader import Limits

    text = _alias_text(values, uses, flow)
    for where, insert in edits:  # now and then an undefined alias, a repeated anchor...
        where %= len(text) + 1
        text = text[:where] + insert + text[where:]
    bounds = Limits(max_depth=limits[0], max_nodes=limits[1])
    expected = _loaded(text, False, bounds)
    assert _loaded(text, None, bounds) == expected
    assert _loaded(text, True, bounds) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: *x\nc: [*x, *x]\n",
        "a: &x {k: v}\n*x : 1\n",  # a mapping as a key, through an alias
        "&k name: 1\nother: *k\n",  # an anchored key
        "a: &x [1, *x]\n",  # a node that contains itself
        "a: *nowhere\n",
        "a: &x 1\nb: &x 2\nc: *x\n",  # an anchor name used twice
        "a: &x [[[[1]]]]\nb: [[*x]]\n",  # too deep only once expanded
        "a: 1\na: 2\nb: &x 1\nc: *x\n",  # a duplicate key in a document with aliases
        "description: 'a * b'\nd: [[[[1]]]]\n",  # a `*` that is no alias, deep strings
        "l0: &l0 [a, a, a, a, a, a, a, a, a]\nl1: &l1 [*l0, *l0, *l0, *l0, *l0]\n"
        "l2: [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\n",  # an alias bomb (small limit)
    ],
)
def test_alias_examples_agree_with_the_node_graph(text: str) -> None:
    from heatctl.dsl.loader import Limits

    for bounds in (Limits(max_depth=4), Limits(max_nodes=100), Limits()):
        expected = _loaded(text, False, bounds)
        assert _loaded(text, None, bounds) == expected, (text, bounds)
        assert _loaded(text, True, bounds) == expected, (text, bounds)
