"""Fixtures: a sandbox on an ephemeral loopback port and an openstacksdk Connection to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from heatctl.sandbox import Sandbox

FAST = {"server_build": 0, "volume_create": 0, "volume_attach": 0, "volume_detach": 0}


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox whose asynchronous steps complete on the next read."""
    with Sandbox(state_path=tmp_path / "sandbox.db", timings=FAST) as sb:
        yield sb


@pytest.fixture
def conn(sandbox: Sandbox) -> Any:
    """A real openstacksdk Connection to the sandbox."""
    connection = sandbox.connection()
    yield connection
    connection.close()


@pytest.fixture
def virtual(tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox on a frozen virtual clock with DevStack-like step durations."""
    with Sandbox(
        state_path=tmp_path / "virtual.db",
        virtual_clock=True,
        timings={"server_build": 30, "volume_create": 10, "volume_attach": 2},
    ) as sb:
        yield sb
