"""The translation report: collect entries with file:line, render them for people and JSON."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from heatctl.dsl.loader import locate_in
from heatctl.translate.base import ReportEntry, ReportKind


def construct_name(path: Sequence[str | int]) -> str:
    """("node_templates", "server", "requirements", 0) -> "node_templates.server.requirements[0]"."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else str(step)
    return text


class Reporter:
    """Collects report entries for one source file, locating each path in the loaded doc."""

    def __init__(self, file: str | None, document: Any) -> None:
        self.file = file
        self.document = document
        self.entries: list[ReportEntry] = []
        # The entries already in the list, as a set (add() keeps entries unique); rebuilt
        # when entries were appended to the list other than through add().
        self._seen: set[ReportEntry] = set()
        self._seen_of: tuple[int, int] = (id(self.entries), 0)  # (which list, its length)

    def add(
        self,
        kind: ReportKind,
        message: str,
        path: Sequence[str | int],
        *,
        document: Any = None,
        file: str | None = None,
    ) -> ReportEntry:
        """Record an entry for the construct at `path` (in `document`, default the main one)."""
        doc = self.document if document is None else document
        # Point at the construct's key (`workflows:` / `deploy:`), where a reader looks.
        line, col = locate_in(doc, path, key=True) if doc is not None else (None, None)
        entry = ReportEntry(kind, message, file or self.file, line, col, construct_name(path))
        entries = self.entries
        if self._seen_of != (id(entries), len(entries)):
            self._seen = set(entries)
        if entry not in self._seen:
            entries.append(entry)
            self._seen.add(entry)
        self._seen_of = (id(entries), len(entries))
        return entry

    def untranslated(self, message: str, path: Sequence[str | int], **kwargs: Any) -> ReportEntry:
        """A construct that has no counterpart in the HOT output."""
        return self.add("untranslated", message, path, **kwargs)

    def approximate(self, message: str, path: Sequence[str | int], **kwargs: Any) -> ReportEntry:
        """A construct translated with a loss or a guess (say, a flavor chosen from a table)."""
        return self.add("approximate", message, path, **kwargs)

    def info(self, message: str, path: Sequence[str | int], **kwargs: Any) -> ReportEntry:
        """Something worth knowing that is not a loss (--strict ignores it)."""
        return self.add("info", message, path, **kwargs)


def sort_entries(entries: Iterable[ReportEntry]) -> list[ReportEntry]:
    """Stable order for display: by file, line, column."""
    return sorted(entries, key=lambda e: (e.file or "", e.line or 0, e.col or 0))


def format_report(entries: Iterable[ReportEntry]) -> str:
    """One line per entry, `file:line:col: kind: construct: message`, plus a summary line."""
    ordered = sort_entries(entries)
    lines = [entry.format() for entry in ordered]
    counts = {
        kind: sum(1 for e in ordered if e.kind == kind)
        for kind in ("untranslated", "approximate", "info")
    }
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "everything translated"
    lines.append(f"translation report: {summary}")
    return "\n".join(lines)


def report_json(entries: Iterable[ReportEntry]) -> list[dict[str, Any]]:
    """The entries as JSON-ready mappings, in display order."""
    return [entry.to_json() for entry in sort_entries(entries)]
