"""Settings from flags, environment variables and the defaults, resolved once in the CLI."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ColorMode = Literal["auto", "always", "never"]


def default_state_dir(environ: dict[str, str] | None = None) -> Path:
    """`HEATCTL_STATE_DIR`, else `$XDG_STATE_HOME/heatctl`, else `~/.local/state/heatctl`."""
    env = os.environ if environ is None else environ
    if env.get("HEATCTL_STATE_DIR"):
        return Path(env["HEATCTL_STATE_DIR"]).expanduser()
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).expanduser() / "heatctl"


def resolve_color(mode: ColorMode, environ: dict[str, str] | None = None) -> bool | None:
    """True/False to force colour on/off, None to let the terminal decide.

    `--color` wins over the environment; NO_COLOR (any value) and FORCE_COLOR follow
    https://no-color.org and the FORCE_COLOR convention.
    """
    env = os.environ if environ is None else environ
    if mode == "always":
        return True
    if mode == "never":
        return False
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return None


@dataclass
class Settings:
    """Everything a command may need to know about how it was asked to run."""

    state_dir: Path = field(default_factory=default_state_dir)
    debug: bool = False
    quiet: bool = False
    color: ColorMode = "auto"
    max_parallel: int = 10
    os_cloud: str | None = None
