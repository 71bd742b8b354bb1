"""Schema of the state file, as ordered migrations, and the checks run before using a file.

Rules: a migration, once released, never changes; a new schema is a new entry appended to
MIGRATIONS. Each migration runs in its own transaction together with the row recording it
in `schema_migrations`, so a crash mid-migration leaves the previous version intact.
The file is marked with SQLite's `application_id` so that a foreign SQLite file is told
apart from an empty one without guessing from table names.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from heatctl.errors import InvalidInput

# "HCT1" as a big-endian integer: marks a SQLite file as a heatctl state file.
APPLICATION_ID = 0x48435431


class StateFileError(InvalidInput):
    """The state file cannot be used as it is (corrupted, foreign, or too new)."""


def _v1_initial(db: sqlite_utils.Database) -> None:
    db.table("stacks").create(
        {
            "id": str,
            "name": str,
            "status": str,
            "status_reason": str,
            "template": str,
            "environment": str,
            "parameters": str,
            "hidden_parameters": str,
            "files": str,
            "timeout_mins": int,
            "disable_rollback": int,
            "parent_id": str,
            "created_at": float,
            "updated_at": float,
            "deleted_at": float,
        },
        pk="id",
        not_null={"name", "status", "template", "created_at", "updated_at"},
    )
    # Names are unique among live stacks only: a deleted stack keeps its events.
    db.execute("CREATE UNIQUE INDEX stacks_live_name ON stacks(name) WHERE deleted_at IS NULL")
    db.table("resources").create(
        {
            "id": str,
            "stack_id": str,
            "name": str,
            "type": str,
            "status": str,
            "status_reason": str,
            "physical_id": str,
            "properties": str,
            "attributes": str,
            "secret_attributes": str,
            "metadata": str,
            "requires": str,
            "data": str,
            "tag": str,
            "generation": int,
            "current": int,
            "replaces": str,
            "deletion_policy": str,
            "created_at": float,
            "updated_at": float,
        },
        pk="id",
        foreign_keys=[("stack_id", "stacks", "id")],
        not_null={"stack_id", "name", "type", "status", "tag", "generation", "current"},
    )
    db.execute("CREATE UNIQUE INDEX resources_tag ON resources(tag)")
    db.execute(
        "CREATE UNIQUE INDEX resources_current_name ON resources(stack_id, name) WHERE current = 1"
    )
    db.table("events").create(
        {
            "id": int,
            "stack_id": str,
            "resource_name": str,
            "physical_id": str,
            "status": str,
            "reason": str,
            "timestamp": float,
        },
        pk="id",
        not_null={"stack_id", "status", "timestamp"},
    )
    db.table("events").create_index(["stack_id", "id"])
    db.table("outputs").create(
        {"stack_id": str, "name": str, "value": str, "description": str, "error": str},
        pk=("stack_id", "name"),
    )
    db.table("operations").create(
        {
            "id": int,
            "stack_id": str,
            "resource_id": str,
            "call": str,
            "request": str,
            "state": str,
            "result": str,
            "pid": int,
            "started_at": float,
            "finished_at": float,
        },
        pk="id",
        not_null={"stack_id", "call", "state", "started_at"},
    )
    db.table("operations").create_index(["stack_id", "state"])
    db.table("locks").create(
        {
            "stack_id": str,
            "token": str,
            "pid": int,
            "host": str,
            "process_start": str,
            "command": str,
            "acquired_at": float,
        },
        pk="stack_id",
        not_null={"token", "pid", "host", "acquired_at"},
    )
    db.table("secrets").create(
        {"stack_id": str, "scope": str, "owner": str, "name": str, "value": str},
        pk=("stack_id", "scope", "owner", "name"),
    )


def _v2_signals(db: sqlite_utils.Database) -> None:
    # Signals sent to a resource (`heatctl stack signal`), e.g. a WaitConditionHandle's,
    # kept apart from the resource row so a running operation and the signal sender never
    # write the same row.
    db.table("signals").create(
        {
            "id": int,
            "stack_id": str,
            "target": str,  # the physical id of the resource signalled
            "resource_name": str,
            "payload": str,
            "received_at": float,
        },
        pk="id",
        not_null={"stack_id", "target", "payload", "received_at"},
    )
    db.table("signals").create_index(["stack_id", "target"])


def _v3_software(db: sqlite_utils.Database) -> None:
    # Software configs and deployments are heatctl's own objects (Heat keeps them in its
    # database, behind its API): a deployment finds its config by id, in any stack, and a
    # server's deployment metadata lists every deployment to it.
    db.table("software_configs").create(
        {
            "id": str,
            "name": str,
            "group_name": str,
            "config": str,  # JSON: a string, or a map for structured configs
            "inputs": str,
            "outputs": str,
            "options": str,
            "stack_id": str,
            "created_at": float,
        },
        pk="id",
        not_null={"group_name", "created_at"},
    )
    db.table("software_deployments").create(
        {
            "id": str,
            "server_id": str,
            "config_id": str,
            "input_values": str,
            "action": str,
            "status": str,
            "status_reason": str,
            "output_values": str,
            "stack_id": str,
            "resource_name": str,
            "created_at": float,
            "updated_at": float,
        },
        pk="id",
        not_null={"server_id", "status", "created_at"},
    )
    db.table("software_deployments").create_index(["server_id"])


Migration = tuple[int, str, Callable[[sqlite_utils.Database], None]]

MIGRATIONS: list[Migration] = [
    (
        1,
        "initial schema: stacks, resources, events, outputs, operations, locks, secrets",
        _v1_initial,
    ),
    (2, "signals sent to resources (wait condition handles)", _v2_signals),
    (3, "software configs and deployments", _v3_software),
]

LATEST = MIGRATIONS[-1][0]


def check_file(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a corrupted or foreign file before anything is written to it."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    except sqlite3.DatabaseError as error:
        raise StateFileError(
            f"{path}: not a usable heatctl state file ({error})",
            hint="nothing was changed; move the file aside or choose another --state-dir",
        ) from error
    if app_id == APPLICATION_ID or (app_id == 0 and not tables):
        return
    raise StateFileError(
        f"{path}: this SQLite file is not a heatctl state file "
        f"(application_id {app_id:#x}, tables: {', '.join(sorted(tables)) or 'none'})",
        hint="nothing was changed; choose another --state-dir or HEATCTL_STATE_DIR",
    )


def current_version(db: sqlite_utils.Database) -> int:
    if "schema_migrations" not in db.table_names():
        return 0
    row = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate(
    db: sqlite_utils.Database, path: Path, migrations: list[Migration] | None = None
) -> int:
    """Bring the file up to the newest schema; refuse a file newer than this heatctl."""
    steps = MIGRATIONS if migrations is None else migrations
    latest = steps[-1][0]
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        if "schema_migrations" not in db.table_names():
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.table("schema_migrations").create(
                {"version": int, "name": str, "applied_at": float}, pk="version"
            )
        version = current_version(db)
        if version > latest:
            raise StateFileError(
                f"{path}: state schema version {version} is newer than this heatctl "
                f"understands (up to {latest})",
                hint="upgrade heatctl; the file was not changed",
            )
        for number, name, step in steps:
            if number > version:
                step(db)
                db.table("schema_migrations").insert(
                    {"version": number, "name": name, "applied_at": time.time()}
                )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return current_version(db)
