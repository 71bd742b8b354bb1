"""State shared by the parts of the CloudFormation translator while it runs.

One `CfnContext` per translated document: what the source declares (parameters, mappings,
conditions, resources), what the translation decided (the target type of every resource,
generated HOT parameters and resources), the report, and the errors found on the way.
Every report entry and error carries the file:line:col of the construct it is about, taken
from the positions the loader records on each mapping and sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heatctl.dsl.diagnostics import Diagnostic, did_you_mean, locate
from heatctl.translate.base import ReportEntry, ReportKind
from heatctl.translate.report import construct_name

SourcePath = tuple[str | int, ...]


@dataclass
class CfnContext:
    """What one CFN document declares and what its translation has decided so far."""

    file: str
    document: Mapping[str, Any]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    mappings: Mapping[str, Any] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)
    resources: Mapping[str, Any] = field(default_factory=dict)
    target_types: dict[str, str] = field(default_factory=dict)
    """Resource name -> the type it has in the HOT output (absent: the resource is dropped)."""
    extra_parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    """HOT parameters the translation adds (mappings, availability zones, ...)."""
    extra_resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    """HOT resources the translation adds (volume attachments of an instance, ...)."""
    mapping_parameters: dict[str, str] = field(default_factory=dict)
    """Mapping name -> the HOT parameter holding it, once a lookup needed one."""
    base_dir: Path | None = None
    """Where relative file names (a nested stack's TemplateURL) are read from."""
    nest: Callable[[str, SourcePath], str | None] | None = None
    """Translates a local nested template; returns its name in `Translation.nested`."""
    report: list[ReportEntry] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    _reported: set[tuple[str, str, str]] = field(default_factory=set)
    _generated: dict[str, str] = field(default_factory=dict)

    def position(self, path: SourcePath) -> tuple[int | None, int | None]:
        """Line and column of the construct at `path` (or of its nearest known ancestor):
        the key that introduces it, or the list item it is."""
        return locate(self.document, path, key=True)

    def note(self, kind: ReportKind, path: SourcePath, message: str) -> None:
        """Add a report entry about the construct at `path` (once per construct and text)."""
        construct = construct_name(path)
        if (kind, construct, message) in self._reported:
            return
        self._reported.add((kind, construct, message))
        line, col = self.position(path)
        self.report.append(ReportEntry(kind, message, self.file, line, col, construct))

    def error(self, path: SourcePath, message: str) -> None:
        """Record a problem that makes the source invalid (Heat would reject it too)."""
        line, col = self.position(path)
        diagnostic = Diagnostic(f"{construct_name(path)}: {message}", self.file, line, col)
        if diagnostic not in self.errors:
            self.errors.append(diagnostic)

    def unknown_name(self, path: SourcePath, what: str, name: object, known: Sequence[str]) -> None:
        """An error for a reference to something that does not exist, with a suggestion."""
        self.error(path, f"{what} '{name}' does not exist{did_you_mean(name, known)}")

    def resource_type(self, name: str) -> str | None:
        """The CFN type of resource `name`, or None if there is no such resource."""
        resource = self.resources.get(name)
        if not isinstance(resource, Mapping):
            return None
        kind = resource.get("Type")
        return kind if isinstance(kind, str) else None

    def fresh_parameter_name(self, wanted: str) -> str:
        """`wanted`, or `wanted_2`, `wanted_3`... if a parameter already has that name."""
        taken = set(self.parameters) | set(self.extra_parameters)
        name, number = wanted, 1
        while name in taken:
            number += 1
            name = f"{wanted}_{number}"
        return name

    def fresh_resource_name(self, wanted: str) -> str:
        """`wanted`, or a numbered variant if a resource already has that name."""
        taken = set(self.resources) | set(self.extra_resources)
        name, number = wanted, 1
        while name in taken:
            number += 1
            name = f"{wanted}{number}"
        return name

    def add_parameter(
        self, wanted: str, definition: dict[str, Any], *, origin: str | None = None
    ) -> str:
        """Add a generated HOT parameter (once per origin) and return its name.

        The name is `wanted`, numbered if a parameter already has it; `origin` (default:
        `wanted`) identifies what the parameter stands for, so a second use shares it.
        """
        origin = origin or wanted
        if origin in self._generated:
            return self._generated[origin]
        name = self.fresh_parameter_name(wanted)
        self.extra_parameters[name] = definition
        self._generated[origin] = name
        return name
