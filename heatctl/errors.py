"""The one error hierarchy of heatctl. Each class owns its exit code.

Library code raises these; the CLI turns them into a message on stderr and the exit code.
Exit codes are documented in docs/exit-codes.md (a test keeps that page in sync with ExitCode).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from heatctl.dsl.diagnostics import Diagnostic


class ExitCode(IntEnum):
    """Every exit code heatctl uses, and only these."""

    OK = 0
    """The command did what was asked."""
    FAILED = 1
    """An operation ran and failed (a resource failed, a stack ended in a FAILED state)."""
    USAGE = 2
    """The command line was wrong: unknown option, missing argument, bad flag value."""
    INVALID = 3
    """A template, environment, parameter, state file or other input is invalid."""
    CONFLICT = 4
    """The stack is locked by another operation, or the request conflicts with its state."""
    CLOUD = 5
    """The cloud or the configuration could not be used: auth, endpoint, clouds.yaml."""
    CHANGES_PRESENT = 6
    """`stack preview --detailed-exitcode` / `stack check`: the plan has changes or drift."""
    INTERRUPTED = 130
    """Interrupted by Ctrl-C (SIGINT)."""


class HeatctlError(Exception):
    """Base of every error heatctl reports to a user."""

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class OperationFailed(HeatctlError):
    """An operation ran against the cloud and failed."""

    exit_code = ExitCode.FAILED


class UsageError(HeatctlError):
    """A flag or argument is wrong in a way Click itself cannot see."""

    exit_code = ExitCode.USAGE


class InvalidInput(HeatctlError):
    """A template, environment, parameter or state file is invalid.

    Carries every diagnostic found, so the user sees all problems at once.
    """

    exit_code = ExitCode.INVALID

    def __init__(
        self,
        message: str,
        diagnostics: Iterable[Diagnostic] = (),
        *,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.diagnostics: Sequence[Diagnostic] = tuple(diagnostics)


class ConflictError(HeatctlError):
    """The stack is locked, or the request conflicts with the stored state."""

    exit_code = ExitCode.CONFLICT


class CloudError(HeatctlError):
    """The cloud could not be reached or refused us (auth, endpoint, catalog)."""

    exit_code = ExitCode.CLOUD


class ConfigError(HeatctlError):
    """heatctl's own configuration (clouds.yaml, config file, state dir) is unusable."""

    exit_code = ExitCode.CLOUD
