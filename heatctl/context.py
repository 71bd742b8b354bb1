"""AppContext: the one object the CLI builds and hands to every command."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heatctl.settings import Settings, resolve_color

if TYPE_CHECKING:
    from rich.console import Console


@dataclass
class AppContext:
    """Console, settings and (later) the state store and cloud factory.

    Heavy objects are created on first use so that `heatctl --help` stays fast.
    Tests build their own AppContext with their own settings.
    """

    settings: Settings = field(default_factory=Settings)
    _console: Console | None = None
    _err_console: Console | None = None

    def _make_console(self, stderr: bool) -> Console:
        from rich.console import Console

        color = resolve_color(self.settings.color)
        stream = sys.stderr if stderr else sys.stdout
        # Piped into a file or another program, nothing is cut to fit 80 columns: scripts
        # must see whole ids. On a terminal, rich fits the terminal's width.
        width = None if stream.isatty() or os.environ.get("COLUMNS") else 1000
        return Console(
            stderr=stderr,
            width=width,
            force_terminal=True if color else None,
            no_color=color is False,
            color_system="auto" if color is not False else None,
            highlight=False,
            soft_wrap=True,
        )

    @property
    def console(self) -> Console:
        """Console on stdout, for results."""
        if self._console is None:
            self._console = self._make_console(stderr=False)
        return self._console

    @property
    def err_console(self) -> Console:
        """Console on stderr, for progress, warnings and errors."""
        if self._err_console is None:
            self._err_console = self._make_console(stderr=True)
        return self._err_console

    def emit_json(self, data: Any) -> None:
        """Print data as JSON on stdout (one document, no colour, stable key order)."""
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")

    def info(self, message: str) -> None:
        """A progress or status line on stderr, unless --quiet."""
        if not self.settings.quiet:
            self.err_console.print(message)
