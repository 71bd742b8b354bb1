"""Diagnostics: every problem found in an input, with file, line and column.

Validation collects diagnostics instead of stopping at the first problem, like a compiler:

    web.yaml:14:7: error: get_resource refers to 'servr', which is not a resource (did you mean 'server'?)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
Path = Sequence[str | int]


@dataclass(frozen=True)
class Diagnostic:
    """One problem in one input file."""

    message: str
    file: str | None = None
    line: int | None = None
    col: int | None = None
    severity: Severity = "error"
    path: tuple[str | int, ...] = ()

    def format(self) -> str:
        """`file:line:col: severity: message`, leaving out what is unknown."""
        where = [str(p) for p in (self.file, self.line, self.col) if p is not None]
        prefix = ":".join(where)
        head = f"{prefix}: " if prefix else ""
        return f"{head}{self.severity}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "path": list(self.path),
        }


def did_you_mean(name: object, candidates: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest candidate, or '' when none is close."""
    if not isinstance(name, str):
        return ""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def locate(doc: Any, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the node at `path` in a document from the loader.

    Walks as deep as positions are known and returns the deepest one found, so a path into
    a value built at run time still points at the nearest place in the file. With `key=True`
    a mapping entry's key is located rather than its value.
    """
    from heatctl.dsl.loader import mark_of

    best = mark_of(doc)
    node = doc
    for step in path:
        child_mark = mark_of(node, step, key=key)
        if child_mark is None:
            break
        best = child_mark
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    if best is None:
        return None, None
    return best


@dataclass
class Diagnostics:
    """A collector of diagnostics for one or more files."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def error(
        self,
        message: str,
        *,
        file: str | None = None,
        doc: Any = None,
        path: Path = (),
        key: bool = False,
        severity: Severity = "error",
    ) -> Diagnostic:
        """Record a problem at `path` inside `doc` (a loaded document) of `file`."""
        line, col = locate(doc, path, key=key) if doc is not None else (None, None)
        diagnostic = Diagnostic(message, file, line, col, severity, tuple(path))
        self.items.append(diagnostic)
        return diagnostic

    def warning(self, message: str, **kwargs: Any) -> Diagnostic:
        return self.error(message, severity="warning", **kwargs)

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Diagnostic]:
        """Stable order: by file, then line, then column, then the order found."""
        return sorted(
            self.items,
            key=lambda d: (d.file or "", d.line or 0, d.col or 0),
        )
