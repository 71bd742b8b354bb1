"""Shared fixtures: a CLI runner with its own state dir, and paths to the shared corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HEATCTL_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"


def corpus_path(*parts: str) -> Path:
    """A path into ../shared/corpus, skipping the test (with the reason) when it is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path} (set HEATCTL_SHARED)")
    return path


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    path = tmp_path / "state"
    path.mkdir()
    return path


@pytest.fixture
def run_cli(state_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Run heatctl in-process through main(), as the console script does."""
    from heatctl.cli import main

    monkeypatch.setenv("HEATCTL_STATE_DIR", str(state_dir))
    monkeypatch.delenv("OS_CLOUD", raising=False)

    def run(*args: str, input: str | None = None) -> Result:
        import io
        from contextlib import redirect_stderr, redirect_stdout

        out, err = io.StringIO(), io.StringIO()
        old_stdin = sys.stdin
        if input is not None:
            sys.stdin = io.StringIO(input)
        code = 0
        try:
            with redirect_stdout(out), redirect_stderr(err):
                main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.stdin = old_stdin
        return Result(code, out.getvalue(), err.getvalue())

    return run


def run_subprocess(args: Sequence[str], env: dict[str, str] | None = None, **kwargs) -> Result:
    """Run `python -m heatctl ARGS` as a separate process (for start-up and signal tests)."""
    proc = subprocess.run(
        [sys.executable, "-m", "heatctl", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        **kwargs,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
