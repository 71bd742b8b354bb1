"""The state store: one SQLite database per state directory, through sqlite-utils.

What it guarantees:
- WAL mode and a busy timeout, so several heatctl processes can share a state directory.
- A schema version table and ordered migrations (`heatctl.engine.migrations`); a file
  written by a newer heatctl, a foreign SQLite file or a corrupted one is refused with
  a clear error (exit 3) before anything is written to it.
- Every status change goes through `heatctl.engine.states.check_transition` and writes
  its event in the same transaction.
- The write-ahead journal of cloud calls (`store.journal`: intent before, result after)
  is what `stack resume` reads to find calls whose outcome is unknown.
- Secrets (hidden parameters, secret attributes such as a key pair's private key) are
  kept in their own table; the stacks and resources tables only hold `******`, so any
  dump or export of them is masked. `reveal=True` reads the real values back.

Thread-safe: one connection guarded by a re-entrant lock (the walker's workers share it).
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from heatctl.engine import migrations
from heatctl.engine.migrations import StateFileError
from heatctl.engine.records import (
    MASK,
    EventRecord,
    OperationRecord,
    ResourceRecord,
    StackRecord,
    dumps,
    export_resource,
    loads,
    masked,
    new_resource_row,
    now,
    redact,
)
from heatctl.engine.states import INIT_COMPLETE, Status, check_transition
from heatctl.errors import ConfigError, ConflictError, InvalidInput

if TYPE_CHECKING:
    from heatctl.engine.journal import Journal

__all__ = [
    "MASK",
    "EventRecord",
    "OperationRecord",
    "ResourceRecord",
    "StackNotFound",
    "StackRecord",
    "StateFileError",
    "StateStore",
    "export_resource",
    "redact",
]

DB_NAME = "state.db"
BUSY_TIMEOUT_MS = 30_000


class StackNotFound(InvalidInput):
    """No stack by that name or id in this state directory."""


def _open_connection(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"cannot create state directory {path.parent}: {error}") from error
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    except sqlite3.Error as error:
        raise ConfigError(f"cannot open state file {path}: {error}") from error
    return conn


class StateStore:
    """Stacks, resources, events, outputs, operations, locks and secrets in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._mutex = threading.RLock()
        conn = _open_connection(path)
        try:
            migrations.check_file(conn, path)
        except BaseException:
            conn.close()
            raise
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.enable_wal()
        # In WAL mode NORMAL keeps every commit across a process crash (SIGKILL); only an
        # OS crash or power cut may drop the last commits, never corrupt the file.
        self.db.execute("PRAGMA synchronous = NORMAL")
        migrations.migrate(self.db, path)

    @classmethod
    def open(cls, state_dir: Path) -> StateStore:
        """Open (creating if needed) the state file of a state directory."""
        return cls(Path(state_dir) / DB_NAME)

    def close(self) -> None:
        with self._mutex:
            self.db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """BEGIN IMMEDIATE ... COMMIT: take the write lock up front, so read-then-write
        sequences (status checks, lock compare-and-swap) cannot interleave across processes."""
        with self._mutex:
            conn = self.db.conn
            if conn.in_transaction:
                with self.db.atomic():
                    yield self.db
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @property
    def journal(self) -> Journal:
        """The write-ahead journal of cloud calls (heatctl.engine.journal)."""
        from heatctl.engine.journal import Journal

        return Journal(self)

    # Hot paths use plain SQL: sqlite-utils' get/update read the table schema on every call.
    def _get(self, table: str, key: str) -> dict[str, Any]:
        cursor = self.db.conn.execute(f"SELECT * FROM {table} WHERE id = ?", [key])
        row = cursor.fetchone()
        if row is None:
            raise KeyError(f"no {table} row {key}")
        return dict(zip((c[0] for c in cursor.description), row, strict=True))

    def _update(self, table: str, key: str, fields: Mapping[str, Any]) -> None:
        assignments = ", ".join(f"{column} = ?" for column in fields)
        self.db.conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?", [*fields.values(), key]
        )

    def integrity_check(self) -> str:
        """SQLite's `PRAGMA integrity_check`: "ok" when the file is sound."""
        with self._mutex:
            rows = self.db.execute("PRAGMA integrity_check").fetchall()
        return "\n".join(str(row[0]) for row in rows)

    def schema_version(self) -> int:
        with self._mutex:
            return migrations.current_version(self.db)

    # -- stacks -----------------------------------------------------------------------

    def create_stack(
        self,
        name: str,
        template: Mapping[str, Any],
        *,
        environment: Mapping[str, Any] | None = None,
        parameters: Mapping[str, Any] | None = None,
        hidden_parameters: Iterable[str] = (),
        hidden_values: Mapping[str, Any] | None = None,
        files: Mapping[str, str] | None = None,
        timeout_mins: int | None = None,
        disable_rollback: bool = True,
        parent_id: str | None = None,
        stack_id: str | None = None,
    ) -> StackRecord:
        """Insert a stack in INIT_COMPLETE. The name must be free among live stacks."""
        stack_id = stack_id or uuid.uuid4().hex
        hidden = tuple(sorted(set(hidden_parameters)))
        params = dict(parameters or {})
        with self.transaction() as db:
            if self._find_stack_row(name) is not None:
                raise ConflictError(f"a stack named {name!r} already exists")
            stamp = now()
            db.table("stacks").insert(
                {
                    "id": stack_id,
                    "name": name,
                    "status": str(INIT_COMPLETE),
                    "status_reason": "",
                    "template": dumps(dict(template)),
                    "environment": dumps(dict(environment or {})),
                    "parameters": dumps(masked(params, hidden)),
                    "hidden_parameters": dumps(list(hidden)),
                    "files": dumps(dict(files or {})),
                    "timeout_mins": timeout_mins,
                    "disable_rollback": int(disable_rollback),
                    "parent_id": parent_id,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "deleted_at": None,
                }
            )
            self._write_secrets(stack_id, "parameter", "", params, hidden)
            self._write_hidden_values(stack_id, hidden_values)
        return self.get_stack(stack_id)

    def _write_hidden_values(self, stack_id: str, values: Mapping[str, Any] | None) -> None:
        # Hidden parameters' values from wherever they came (a default, an environment):
        # kept only so every view masks them; the "parameter" scope is what was given.
        values = dict(values or {})
        self.db.execute(
            "DELETE FROM secrets WHERE stack_id = ? AND scope = 'hidden_value'", [stack_id]
        )
        self._write_secrets(stack_id, "hidden_value", "", values, values)

    def update_stack_definition(
        self,
        stack_id: str,
        template: Mapping[str, Any],
        *,
        environment: Mapping[str, Any] | None = None,
        parameters: Mapping[str, Any] | None = None,
        hidden_parameters: Iterable[str] = (),
        hidden_values: Mapping[str, Any] | None = None,
        files: Mapping[str, str] | None = None,
    ) -> StackRecord:
        """Replace the stored template, environment and parameters (for `stack update`)."""
        hidden = tuple(sorted(set(hidden_parameters)))
        params = dict(parameters or {})
        with self.transaction() as db:
            self._update(
                "stacks",
                stack_id,
                {
                    "template": dumps(dict(template)),
                    "environment": dumps(dict(environment or {})),
                    "parameters": dumps(masked(params, hidden)),
                    "hidden_parameters": dumps(list(hidden)),
                    "files": dumps(dict(files or {})),
                    "updated_at": now(),
                },
            )
            db.execute("DELETE FROM secrets WHERE stack_id = ? AND scope = 'parameter'", [stack_id])
            self._write_secrets(stack_id, "parameter", "", params, hidden)
            self._write_hidden_values(stack_id, hidden_values)
        return self.get_stack(stack_id)

    def _find_stack_row(self, name_or_id: str) -> dict[str, Any] | None:
        rows = list(
            self.db.query(
                "SELECT * FROM stacks WHERE deleted_at IS NULL AND (id = :key OR name = :key)"
                " ORDER BY name = :key DESC LIMIT 1",
                {"key": name_or_id},
            )
        )
        return rows[0] if rows else None

    def find_stack(self, name_or_id: str) -> StackRecord | None:
        """A live (not deleted) stack by name or id, or None."""
        with self._mutex:
            row = self._find_stack_row(name_or_id)
        return StackRecord.from_row(row) if row else None

    def get_stack(self, name_or_id: str) -> StackRecord:
        """A live stack by name or id; StackNotFound (exit 3) if there is none."""
        record = self.find_stack(name_or_id)
        if record is None:
            raise StackNotFound(
                f"stack {name_or_id!r} not found in {self.path}",
                hint="`heatctl stack list` shows the stacks of this state directory",
            )
        return record

    def stack_by_id(self, stack_id: str) -> StackRecord:
        """A stack by id, deleted ones included (to follow a delete to its end)."""
        with self._mutex:
            return StackRecord.from_row(self._get("stacks", stack_id))

    def list_stacks(self, *, include_nested: bool = False) -> list[StackRecord]:
        """Live stacks, oldest first."""
        where = "deleted_at IS NULL" + ("" if include_nested else " AND parent_id IS NULL")
        with self._mutex:
            rows = list(self.db.table("stacks").rows_where(where, order_by="created_at, name"))
        return [StackRecord.from_row(row) for row in rows]

    def set_stack_status(self, stack_id: str, new: Status, reason: str = "") -> StackRecord:
        """Move a stack to `new` (checked against the transition table) and record an event."""
        with self.transaction():
            row = self._get("stacks", stack_id)
            old = Status.parse(row["status"])
            check_transition("stack", row["name"], old, new)
            fields: dict[str, Any] = {
                "status": str(new),
                "status_reason": reason,
                "updated_at": now(),
            }
            if str(new) == "DELETE_COMPLETE":
                fields["deleted_at"] = fields["updated_at"]
            self._update("stacks", stack_id, fields)
            self._add_event(stack_id, None, None, new, reason)
        return StackRecord.from_row(self._get("stacks", stack_id))

    def stack_parameters(self, stack_id: str, *, reveal: bool = False) -> dict[str, Any]:
        """The stack's parameter values; hidden ones masked unless reveal=True."""
        with self._mutex:
            params = loads(self._get("stacks", stack_id)["parameters"]) or {}
            if reveal:
                params.update(self._read_secrets(stack_id, "parameter", ""))
        return dict(params)

    def forget_stack(self, stack_id: str) -> None:
        """Remove every row of a stack (abandon): the cloud resources are left alone."""
        with self.transaction() as db:
            tables = ("events", "outputs", "operations", "secrets", "signals", "resources", "locks")
            for table in tables:
                db.execute(f"DELETE FROM {table} WHERE stack_id = ?", [stack_id])
            db.execute("DELETE FROM stacks WHERE id = ?", [stack_id])

    # -- resources --------------------------------------------------------------------

    def add_resource(
        self,
        stack_id: str,
        name: str,
        type_name: str,
        *,
        properties: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        requires: Iterable[str] = (),
        deletion_policy: str = "Delete",
        replaces: str | None = None,
    ) -> ResourceRecord:
        """Insert a resource in INIT_COMPLETE. With `replaces`, it is the next generation of
        that row (a new tag) and becomes current only through `promote_replacement`."""
        resource_id = uuid.uuid4().hex
        with self.transaction() as db:
            generation = 1
            if replaces is not None:
                generation = self._get("resources", replaces)["generation"] + 1
            db.table("resources").insert(
                new_resource_row(
                    stack_id,
                    name,
                    type_name,
                    resource_id=resource_id,
                    properties=properties,
                    metadata=metadata,
                    requires=requires,
                    deletion_policy=deletion_policy,
                    generation=generation,
                    replaces=replaces,
                )
            )
        return self.get_resource(resource_id)

    def add_initial_resources(
        self, stack_id: str, resources: Iterable[tuple[str, str, Iterable[str], str]]
    ) -> None:
        """Insert many INIT_COMPLETE rows at once: (name, type, requires, deletion_policy).
        Rows that already exist (a resumed create) are left alone."""
        with self.transaction() as db:
            existing = {
                row[0]
                for row in db.execute(
                    "SELECT name FROM resources WHERE stack_id = ? AND current = 1", [stack_id]
                )
            }
            rows = [
                new_resource_row(
                    stack_id, name, type_name, requires=requires, deletion_policy=policy
                )
                for name, type_name, requires, policy in resources
                if name not in existing
            ]
            db.table("resources").insert_all(rows)

    def promote_replacement(self, new_id: str) -> None:
        """Make a replacement row current and the row it replaces a cleanup candidate."""
        with self.transaction():
            new = self._get("resources", new_id)
            self._update("resources", new["replaces"], {"current": 0, "updated_at": now()})
            self._update("resources", new_id, {"current": 1, "updated_at": now()})

    def get_resource(self, resource_id: str) -> ResourceRecord:
        with self._mutex:
            return ResourceRecord.from_row(self._get("resources", resource_id))

    def resources(self, stack_id: str, *, current_only: bool = True) -> list[ResourceRecord]:
        """The stack's resources by name; with current_only=False also replaced rows."""
        where = "stack_id = ? AND status != 'DELETE_COMPLETE'"
        if current_only:
            where += " AND current = 1"
        with self._mutex:
            rows = list(
                self.db.table("resources").rows_where(
                    where, [stack_id], order_by="name, generation"
                )
            )
        return [ResourceRecord.from_row(row) for row in rows]

    def find_resource(self, stack_id: str, name: str) -> ResourceRecord | None:
        """The current row of a resource by name, or None."""
        with self._mutex:
            cursor = self.db.conn.execute(
                "SELECT * FROM resources WHERE stack_id = ? AND name = ? AND current = 1",
                [stack_id, name],
            )
            row = cursor.fetchone()
            if row is None:
                return None
            columns = (c[0] for c in cursor.description)
            return ResourceRecord.from_row(dict(zip(columns, row, strict=True)))

    def other_generations(self, stack_id: str, name: str) -> list[ResourceRecord]:
        """Rows of a resource that are not current: replaced ones awaiting cleanup, and
        replacements not yet promoted (their `replaces` is set)."""
        with self._mutex:
            rows = list(
                self.db.table("resources").rows_where(
                    "stack_id = ? AND name = ? AND current = 0",
                    [stack_id, name],
                    order_by="generation",
                )
            )
        return [ResourceRecord.from_row(row) for row in rows]

    def set_resource_status(
        self,
        resource_id: str,
        new: Status,
        reason: str = "",
        *,
        physical_id: str | None = None,
    ) -> ResourceRecord:
        """Move a resource to `new` (checked by the transition table), recording an event."""
        with self.transaction():
            row = self._get("resources", resource_id)
            check_transition("resource", row["name"], Status.parse(row["status"]), new)
            fields: dict[str, Any] = {"status": str(new), "status_reason": reason}
            fields["updated_at"] = now()
            if physical_id is not None:
                fields["physical_id"] = physical_id
            self._update("resources", resource_id, fields)
            self._add_event(
                row["stack_id"], row["name"], physical_id or row["physical_id"], new, reason
            )
        return ResourceRecord.from_row({**row, **fields})

    def set_resource_data(
        self,
        resource_id: str,
        *,
        physical_id: str | None = None,
        properties: Mapping[str, Any] | None = None,
        attributes: Mapping[str, Any] | None = None,
        secret_attributes: Sequence[str] = (),
        requires: Iterable[str] | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> ResourceRecord:
        """Store what the cloud told us about a resource (without a status change)."""
        with self.transaction() as db:
            row = self._get("resources", resource_id)
            fields: dict[str, Any] = {"updated_at": now()}
            if physical_id is not None:
                fields["physical_id"] = physical_id
            if properties is not None:
                fields["properties"] = dumps(dict(properties))
            if requires is not None:
                fields["requires"] = dumps(sorted(set(requires)))
            if data is not None:
                fields["data"] = dumps(dict(data))
            if attributes is not None:
                secret = tuple(sorted(set(secret_attributes)))
                fields["attributes"] = dumps(masked(dict(attributes), secret))
                fields["secret_attributes"] = dumps(list(secret))
                db.execute(
                    "DELETE FROM secrets WHERE stack_id = ? AND scope = 'attribute' AND owner = ?",
                    [row["stack_id"], resource_id],
                )
                self._write_secrets(row["stack_id"], "attribute", resource_id, attributes, secret)
            self._update("resources", resource_id, fields)
        return ResourceRecord.from_row({**row, **fields})

    def resource_attributes(self, resource_id: str, *, reveal: bool = False) -> dict[str, Any]:
        """A resource's attributes; secret ones masked unless reveal=True."""
        with self._mutex:
            row = self._get("resources", resource_id)
            values = loads(row["attributes"]) or {}
            if reveal:
                values.update(self._read_secrets(row["stack_id"], "attribute", resource_id))
        return dict(values)

    def remove_resource(self, resource_id: str) -> None:
        """Drop a resource row that reached DELETE_COMPLETE (its events stay)."""
        with self.transaction() as db:
            db.execute("DELETE FROM secrets WHERE scope = 'attribute' AND owner = ?", [resource_id])
            db.execute("DELETE FROM operations WHERE resource_id = ?", [resource_id])
            db.execute("DELETE FROM resources WHERE id = ?", [resource_id])

    # -- events and outputs -------------------------------------------------------------

    def _add_event(
        self,
        stack_id: str,
        resource_name: str | None,
        physical_id: str | None,
        new: Status,
        reason: str,
    ) -> None:
        self.db.conn.execute(
            "INSERT INTO events (stack_id, resource_name, physical_id, status, reason, timestamp)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [stack_id, resource_name, physical_id, str(new), reason, now()],
        )

    def events(self, stack_id: str, *, after_id: int = 0) -> list[EventRecord]:
        """The stack's events in order; `after_id` continues from a previous read (--follow)."""
        with self._mutex:
            rows = list(
                self.db.table("events").rows_where(
                    "stack_id = ? AND id > ?", [stack_id, after_id], order_by="id"
                )
            )
        return [EventRecord.from_row(row) for row in rows]

    def add_signal(
        self, stack_id: str, target: str, resource_name: str, payload: Mapping[str, Any]
    ) -> int:
        """Record a signal sent to the resource whose physical id is `target`."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO signals (stack_id, target, resource_name, payload, received_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [stack_id, target, resource_name, dumps(dict(payload)), now()],
            )
            return int(cursor.lastrowid or 0)

    def signals(self, stack_id: str, target: str) -> list[dict[str, Any]]:
        """The signals sent to `target`, oldest first."""
        with self._mutex:
            rows = self.db.execute(
                "SELECT payload FROM signals WHERE stack_id = ? AND target = ? ORDER BY id",
                [stack_id, target],
            ).fetchall()
        return [loads(row[0]) for row in rows]

    def last_event_id(self, stack_id: str) -> int:
        """The id of the stack's newest event (0 when it has none)."""
        with self._mutex:
            row = self.db.execute(
                "SELECT MAX(id) FROM events WHERE stack_id = ?", [stack_id]
            ).fetchone()
        return int(row[0] or 0)

    def set_outputs(self, stack_id: str, outputs: Mapping[str, Mapping[str, Any]]) -> None:
        """Replace the stack's outputs: name -> {value, description, error}."""
        with self.transaction() as db:
            db.execute("DELETE FROM outputs WHERE stack_id = ?", [stack_id])
            for name, output in outputs.items():
                db.table("outputs").insert(
                    {
                        "stack_id": stack_id,
                        "name": name,
                        "value": dumps(output.get("value")),
                        "description": output.get("description") or "",
                        "error": output.get("error"),
                    }
                )

    def outputs(self, stack_id: str) -> dict[str, dict[str, Any]]:
        with self._mutex:
            rows = list(
                self.db.table("outputs").rows_where("stack_id = ?", [stack_id], order_by="name")
            )
        return {
            row["name"]: {
                "value": loads(row["value"]),
                "description": row["description"],
                "error": row["error"],
            }
            for row in rows
        }

    # -- secrets and exported views -----------------------------------------------------

    def _write_secrets(
        self,
        stack_id: str,
        scope: str,
        owner: str,
        values: Mapping[str, Any],
        secret_names: Iterable[str],
    ) -> None:
        for name in secret_names:
            if name in values:
                self.db.table("secrets").insert(
                    {
                        "stack_id": stack_id,
                        "scope": scope,
                        "owner": owner,
                        "name": name,
                        "value": dumps(values[name]),
                    }
                )

    def _read_secrets(self, stack_id: str, scope: str, owner: str) -> dict[str, Any]:
        rows = self.db.table("secrets").rows_where(
            "stack_id = ? AND scope = ? AND owner = ?", [stack_id, scope, owner]
        )
        return {row["name"]: loads(row["value"]) for row in rows}
