"""The translator API: what every source format (CFN, TOSCA, ...) implements.

A translator turns one loaded document into a HOT template (plain dicts and lists), the
nested HOT templates it needs, and a report of every construct it could not translate or
translated only approximately. Translators are found through the entry point group
`heatctl.translators` (see heatctl.translate.translators()).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from heatctl.dsl.diagnostics import Diagnostic
from heatctl.errors import InvalidInput

ReportKind = Literal["untranslated", "approximate", "info"]


@dataclass(frozen=True)
class ReportEntry:
    """One construct of the source that did not translate one-to-one."""

    kind: ReportKind
    message: str
    file: str | None
    line: int | None
    col: int | None
    construct: str
    """Where in the source, e.g. "node_templates.server.requirements[0]"."""

    def format(self) -> str:
        """`file:line:col: kind: construct: message`, leaving out what is unknown."""
        where = ":".join(str(p) for p in (self.file, self.line, self.col) if p is not None)
        head = f"{where}: " if where else ""
        return f"{head}{self.kind}: {self.construct}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        """The entry as a JSON-ready mapping."""
        return {
            "kind": self.kind,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "construct": self.construct,
        }


@dataclass
class Translation:
    """The result of translating one source document."""

    hot: dict[str, Any]
    """The HOT template, made of plain dicts, lists and scalars."""
    nested: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Relative file name -> HOT template, for nested templates the main one refers to."""
    report: list[ReportEntry] = field(default_factory=list)
    source_format: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    """Files the HOT reads with get_file (path as written there -> content) that the source
    carries: CSAR members, scripts next to the template. `translate -o` writes them next
    to the output so the directory can be deployed as it is."""

    @property
    def problems(self) -> list[ReportEntry]:
        """Entries that --strict turns into a failure (everything but "info")."""
        return [e for e in self.report if e.kind != "info"]


@dataclass
class TranslateOptions:
    """How to translate: strictness, the target cloud (if any), where relative files live."""

    strict: bool = False
    cloud: object | None = None
    """An openstacksdk Connection used to choose flavors and images; None -> default tables."""
    base_dir: Path | None = None


@runtime_checkable
class Translator(Protocol):
    """A source format that can become HOT. Register under the `heatctl.translators` group."""

    name: ClassVar[str]

    def detect(self, document: Mapping[str, Any]) -> bool:
        """True when `document` (already loaded) is in this translator's format."""
        ...

    def translate(
        self,
        path: Path,
        document: Mapping[str, Any],
        inputs: Mapping[str, str],
        options: TranslateOptions,
    ) -> Translation:
        """Translate `document`, loaded from `path`, with input values `inputs`."""
        ...


class TranslationError(InvalidInput):
    """The source cannot be translated (exit code 3). Carries diagnostics with file:line."""

    def __init__(
        self,
        message: str,
        diagnostics: Iterable[Diagnostic] = (),
        *,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, diagnostics, hint=hint)

    @classmethod
    def at(
        cls,
        message: str,
        file: str | None,
        line: int | None = None,
        col: int | None = None,
        *,
        hint: str | None = None,
    ) -> TranslationError:
        """An error with a single diagnostic at file:line:col."""
        name = file or "template"
        return cls(f"cannot translate {name}", [Diagnostic(message, file, line, col)], hint=hint)
