"""Write a Translation where the `translate` command was asked to: stdout, files or JSON."""

from __future__ import annotations

import posixpath
import sys
from pathlib import Path
from typing import Any

from heatctl.context import AppContext
from heatctl.errors import UsageError
from heatctl.translate.base import Translation, TranslationError
from heatctl.translate.hot_yaml import dump_hot, order_hot
from heatctl.translate.report import format_report, report_json


def _strict_failure(result: Translation) -> TranslationError:
    from heatctl.dsl.diagnostics import Diagnostic

    diagnostics = [
        Diagnostic(f"{e.kind}: {e.construct}: {e.message}", e.file, e.line, e.col)
        for e in result.problems
    ]
    count = len(diagnostics)
    return TranslationError(
        f"--strict: {count} construct{'s' if count != 1 else ''} not translated exactly",
        diagnostics,
    )


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def _inside_name(path: str) -> str:
    """A get_file path made relative to the output directory, never leaving it:
    `../Scripts/a.sh` (a CSAR's Definitions/ looking up) becomes `Scripts/a.sh`."""
    parts = [
        p
        for p in posixpath.normpath(path.replace("\\", "/")).split("/")
        if p not in ("", ".", "..")
    ]
    return "/".join(parts)


def _write_files(files: dict[str, bytes], directory: Path) -> dict[str, str]:
    """Write the files the HOT reads next to it; return the get_file paths that changed."""
    renamed: dict[str, str] = {}
    for name, data in sorted(files.items()):
        inside = _inside_name(name)
        if not inside:
            continue
        target = directory / inside
        if not (target.exists() and target.read_bytes() == data):
            _write_bytes(target, data)
        if inside != name:
            renamed[name] = inside
    return renamed


def _renamed(value: Any, renamed: dict[str, str]) -> Any:
    if not renamed:
        return value
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("get_file"), str):
            return {"get_file": renamed.get(value["get_file"], value["get_file"])}
        return {k: _renamed(v, renamed) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, renamed) for v in value]
    return value


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def write_translation(result: Translation, output: Path) -> None:
    """Write the HOT to `output`, with its nested templates and the files it reads beside it."""
    renamed = _write_files(result.files, output.parent)
    _write(output, dump_hot(_renamed(result.hot, renamed)))
    for name, hot in sorted(result.nested.items()):
        _write(output.parent / name, dump_hot(_renamed(hot, renamed)))


def emit_translation(
    app: AppContext,
    result: Translation,
    *,
    output: Path | None,
    report: bool,
    strict: bool,
    as_json: bool,
) -> None:
    """Print or write the translation; raise for --strict or nested output without -o."""
    if strict and result.problems:
        raise _strict_failure(result)
    if as_json and output is None:
        app.emit_json(
            {
                "hot": order_hot(result.hot),
                "nested": {name: order_hot(hot) for name, hot in sorted(result.nested.items())},
                "report": report_json(result.report),
            }
        )
        return
    if result.nested and output is None:
        names = ", ".join(sorted(result.nested))
        raise UsageError(
            f"the translation has nested templates ({names}); give -o/--output so they can be"
            " written next to the main template (heatctl never writes them into the current"
            " directory unasked), or use --json"
        )
    if output is None:
        sys.stdout.write(dump_hot(result.hot))
    else:
        write_translation(result, output)
        if not app.settings.quiet:  # plain stderr: importing rich would double start-up time
            extra = [f"{len(result.nested)} nested template(s)"] if result.nested else []
            extra += [f"{len(result.files)} file(s) it reads"] if result.files else []
            sys.stderr.write(
                f"wrote {output}" + (f" and {', '.join(extra)}" if extra else "") + "\n"
            )
    if as_json and output is not None:
        written = [output, *(output.parent / n for n in sorted(result.nested))]
        written += [
            output.parent / _inside_name(n) for n in sorted(result.files) if _inside_name(n)
        ]
        app.emit_json({"files": [str(p) for p in written], "report": report_json(result.report)})
    elif report:
        sys.stderr.write(format_report(result.report) + "\n")
