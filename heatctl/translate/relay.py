"""One path for every format: a TOSCA file (or CSAR) given where HOT is expected.

`template validate`, `template graph`, `template resolve` and the stack commands accept any
format a translator is installed for. CloudFormation needs no relay: the Model Interpreter
reads it natively, as Heat does. Any other format is translated to HOT here, written with its
nested templates and files into a private directory, and the HOT goes on through the same
path as a native template. What the translator could not translate exactly comes back as
warnings at the source's file:line.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heatctl.dsl.diagnostics import Diagnostic

NATIVE_FORMATS = ("hot", "cfn")


@dataclass
class Relayed:
    """A source translated to HOT on disk."""

    hot_path: Path
    source_format: str
    warnings: list[Diagnostic]


def foreign_format(path: Path, document: Mapping[str, Any] | None) -> str | None:
    """The translator to relay `path` through, or None when heatctl reads it natively."""
    from heatctl.dsl.files import is_zip_archive
    from heatctl.translate.detect import detect_format

    if document is None:
        return "tosca" if is_zip_archive(path) else None
    detected = detect_format(document)
    return detected if detected not in (None, *NATIVE_FORMATS) else None


def relay(path: Path, source_format: str) -> Relayed:
    """Translate `path` into a private directory; raise TranslationError (exit 3) if invalid."""
    from heatctl.translate import translate_file
    from heatctl.translate.base import TranslateOptions
    from heatctl.translate.output import write_translation

    result = translate_file(path, source_format, {}, TranslateOptions())
    directory = Path(tempfile.mkdtemp(prefix="heatctl-relay-"))
    atexit.register(shutil.rmtree, directory, True)
    hot_path = directory / (path.name.split(".")[0] + ".hot.yaml")
    write_translation(result, hot_path)
    warnings = [
        Diagnostic(
            f"{source_format} {entry.kind}: {entry.construct}: {entry.message}",
            entry.file,
            entry.line,
            entry.col,
            "warning",
        )
        for entry in result.problems
    ]
    return Relayed(hot_path, result.source_format or source_format, warnings)
