"""Translated TOSCA is valid HOT: every translatable corpus file, written as
`heatctl translate -o` writes it, passes heatctl's Model Interpreter (heatctl.dsl).

The corpus left out the shell scripts the templates run (see its SOURCE.md), so a
get_file of a script that is not in the corpus is the one error allowed; the translation
report names each such file too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from heatctl.errors import InvalidInput
from heatctl.translate import translate_file
from heatctl.translate.hot_yaml import dump_hot
from heatctl.translate.output import _renamed, _write_files
from tests.conftest import corpus_path
from tests.translate.test_tosca_corpus import EXPECTED_FAILURES, FILES

TRANSLATABLE = [f for f in FILES if f not in EXPECTED_FAILURES]


@pytest.mark.parametrize("relative", TRANSLATABLE)
def test_translation_validates(relative: str, tmp_path: Path) -> None:
    validate = pytest.importorskip("heatctl.dsl.validate")
    try:
        result = translate_file(corpus_path("tosca", relative))
    except InvalidInput as error:  # pragma: no cover - the corpus test reports this better
        pytest.fail(str([d.format() for d in error.diagnostics]))
    renamed = _write_files(result.files, tmp_path)
    main = tmp_path / "main.yaml"
    main.write_text(dump_hot(_renamed(result.hot, renamed)))
    for name, nested in result.nested.items():
        (tmp_path / name).write_text(dump_hot(_renamed(nested, renamed)))
    missing = {e.message.split("'")[1] for e in result.report if e.message.startswith("get_file '")}
    errors = [d for d in validate.validate_file(main).diagnostics if d.severity == "error"]
    unexplained = [
        d.format()
        for d in errors
        if not ("no such file" in d.message and any(m in d.message for m in missing))
    ]
    assert unexplained == []
