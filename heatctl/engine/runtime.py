"""Wiring for one heatctl run: the store, the cloud (opened on first use), the plugins and
the progress output. Commands call these; library users may build their own StackEngine.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heatctl.engine.cloud import CloudSession, connect, select_cloud
from heatctl.engine.lifecycle import ResourceFailed, ResourceLifecycle
from heatctl.engine.planner import TypeInfo, type_info_from_class
from heatctl.engine.progress import JsonProgress, LiveProgress, PlainProgress, Progress
from heatctl.engine.stack import StackEngine
from heatctl.engine.store import StateStore


class CloudFactory:
    """Selects and connects to the cloud the first time a plugin needs it (thread-safe:
    the walker's workers may ask at the same moment). Read-only commands never connect."""

    def __init__(
        self,
        state_dir: Path,
        os_cloud: str | None = None,
        notice: Callable[[str], None] | None = None,
        config_files: list[str] | None = None,
    ) -> None:
        self.state_dir = state_dir
        self.os_cloud = os_cloud
        self.notice = notice
        self.config_files = config_files
        self.session: CloudSession | None = None
        self._lock = threading.Lock()

    def connection(self) -> Any:
        with self._lock:
            if self.session is None:
                choice = select_cloud(self.os_cloud, config_files=self.config_files)
                self.session = connect(
                    choice, state_dir=self.state_dir, config_files=self.config_files
                )
                if self.session.notice and self.notice is not None:
                    self.notice(self.session.notice)
            return self.session.connection

    def close(self) -> None:
        with self._lock:
            if self.session is not None:
                self.session.close()
                self.session = None


def resource_class(type_name: str) -> Any:
    """The registered class of a resource type, or None."""
    from heatctl.resources import registry

    return registry.get(type_name)


def plugin_for(type_name: str) -> ResourceLifecycle:
    """A lifecycle plugin instance for a type; ResourceFailed when the type has none yet."""
    cls = _deployable_class(type_name)
    if cls is None:
        raise ResourceFailed(f"resource type {type_name} cannot be deployed by this heatctl yet")
    plugin: ResourceLifecycle = cls()
    return plugin


def is_deployable(type_name: str) -> bool:
    """True when `heatctl stack create` can deploy resources of this registered type."""
    from heatctl.engine.nested import nested_types

    if type_name in nested_types():
        return True
    cls = _deployable_class(type_name)
    return cls is not None and getattr(cls, "deployable", True)


@functools.cache
def _deployable_class(type_name: str) -> Any:
    """The class of a type if it implements the lifecycle (checked once per type)."""
    cls = resource_class(type_name)
    return cls if cls is not None and isinstance(cls(), ResourceLifecycle) else None


def type_info(type_name: str) -> TypeInfo:
    """What the planner needs to know about a type (unknown types: nothing updatable)."""
    cls = resource_class(type_name)
    return type_info_from_class(cls) if cls is not None else TypeInfo()


def secret_attributes(type_name: str) -> tuple[str, ...]:
    """Attributes that are secrets (a key pair's private key): stored apart and masked."""
    cls = resource_class(type_name)
    return tuple(getattr(cls, "secret_attributes", ()) or ())


def open_store(state_dir: Path) -> StateStore:
    return StateStore.open(state_dir)


def build_engine(store: StateStore, cloud: CloudFactory) -> StackEngine:
    return StackEngine(
        store,
        plugin_for,
        type_info,
        connection_factory=cloud.connection,
        secret_attributes=secret_attributes,
    )


def make_progress(
    *,
    json_output: bool,
    stack: str,
    err_console: Any,
    secrets: list[str],
    live: bool | None = None,
    quiet: bool = False,
) -> Progress:
    """NDJSON on stdout with --json; a live view on a terminal; else plain lines on stderr.

    With --quiet, only failures are printed (as plain lines): the result and errors still are.
    """
    if json_output:
        return JsonProgress(sys.stdout, secrets)
    if quiet:
        return PlainProgress(sys.stderr, secrets, only_failures=True)
    if live is None:
        live = bool(getattr(err_console, "is_terminal", False))
    if live:
        return LiveProgress(err_console, stack, secrets)
    return PlainProgress(sys.stderr, secrets)
