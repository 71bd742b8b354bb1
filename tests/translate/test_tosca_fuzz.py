"""Mutated corpus templates never crash the translator: each either translates or fails
with InvalidInput (exit 3 and a diagnostic), never another exception (a traceback)."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from heatctl.dsl.loader import load_file, plain
from heatctl.errors import InvalidInput
from heatctl.translate import translate_file
from heatctl.translate.hot_yaml import dump_yaml
from tests.translate.test_tosca_corpus import FILES

ODD_VALUES: list[Any] = [
    None, 1, -1, 1.5, True, "x", "1 GB", "SELF", [], [1], {}, {"a": 1},
    {"get_input": "nope"}, {"get_input": []}, {"get_property": [1]}, {"get_property": [{"a": 1}, "x"]},
    {"concat": None}, {"get_attribute": []}, {"token": "x"}, {"get_operation_output": ["a"]},
]  # fmt: skip


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        yield from _paths(item, (*prefix, key))


def _absolute_imports(document: Any, directory: Path) -> None:
    """Imports keep resolving although the mutated copy lives elsewhere."""
    imports = document.get("imports") if isinstance(document, dict) else None
    if isinstance(imports, list):
        document["imports"] = [str(directory / i) if isinstance(i, str) else i for i in imports]


@pytest.mark.parametrize("seed", range(8))
def test_mutations_never_crash(seed: int, tmp_path: Path) -> None:
    from tests.conftest import corpus_path

    rnd = random.Random(seed)
    yaml_files = [f for f in FILES if f.endswith((".yaml", ".yml"))]
    if not yaml_files:
        pytest.skip("shared corpus not found")
    for attempt in range(40):
        source = corpus_path("tosca", rnd.choice(yaml_files))
        try:
            document = plain(load_file(source))
        except InvalidInput:
            continue
        _absolute_imports(document, source.parent)
        paths = [p for p in _paths(document) if p]
        for _ in range(rnd.randint(1, 3)):
            path = rnd.choice(paths)
            parent = document
            try:
                for key in path[:-1]:
                    parent = parent[key]
                parent[path[-1]] = copy.deepcopy(rnd.choice(ODD_VALUES))
            except (KeyError, IndexError, TypeError):
                continue
        target = tmp_path / f"{attempt}_{source.name}"
        target.write_text(dump_yaml(document))
        try:
            translate_file(target)
        except InvalidInput as error:
            assert error.diagnostics, error
