"""The sandbox's durable store: one SQLite file, a JSON body per resource.

Rows are keyed by (kind, id). A few columns are lifted out of the body so lookups by
project, name, parent (a port's network, a rule's group, an object's container) and owner
(a port's device) use an index instead of a scan. Internal bookkeeping lives in body keys
that start with an underscore and never reach a client.

The store is not thread-safe on its own: the application serialises every request that
touches it behind one lock and wraps each request in a transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from heatctl.errors import ConfigError

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    kind TEXT NOT NULL, id TEXT NOT NULL, project TEXT NOT NULL DEFAULT '',
    name TEXT, parent TEXT NOT NULL DEFAULT '', owner TEXT NOT NULL DEFAULT '',
    amount1 INTEGER NOT NULL DEFAULT 0, amount2 INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL, PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS resources_name ON resources (kind, name);
-- Covers quota sums (volume GB, server cores and RAM) without reading the bodies.
CREATE INDEX IF NOT EXISTS resources_project ON resources (kind, project, amount1, amount2);
CREATE INDEX IF NOT EXISTS resources_parent ON resources (kind, parent);
CREATE INDEX IF NOT EXISTS resources_owner ON resources (kind, owner);
CREATE TABLE IF NOT EXISTS ips (
    subnet TEXT NOT NULL, ip TEXT NOT NULL, port TEXT NOT NULL, PRIMARY KEY (subnet, ip)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ips_port ON ips (port);
CREATE TABLE IF NOT EXISTS objects (
    container TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, meta TEXT NOT NULL,
    PRIMARY KEY (container, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

SCHEMA_VERSION = "1"
Body = dict[str, Any]


class Store:
    """Resources, IP allocations, Swift objects and a few settings in one SQLite file."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: durable across a process crash, no fsync per commit.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        version = self.get_meta("schema", "")
        if version and version != SCHEMA_VERSION:
            raise ConfigError(
                f"{self.path} holds sandbox state of schema {version}, this heatctl uses "
                f"{SCHEMA_VERSION}",
                hint="run `heatctl sandbox reset` to start from a fresh cloud",
            )
        self.set_meta("schema", SCHEMA_VERSION)
        self._depth = 0

    def close(self) -> None:
        """Close the database file."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction for a whole request; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._depth = 0

    # -- resources -------------------------------------------------------------------
    def get(self, kind: str, id_: str) -> Body | None:
        """The body stored for (kind, id), or None."""
        row = self.db.execute(
            "SELECT body FROM resources WHERE kind=? AND id=?", (kind, id_)
        ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put(
        self,
        kind: str,
        body: Body,
        *,
        id_: str | None = None,
        project: str = "",
        parent: str = "",
        owner: str = "",
        amounts: tuple[int, int] = (0, 0),
    ) -> None:
        """Insert or replace a resource; `id_` defaults to body['id'].

        `amounts` are two numbers quota checks add up (a volume's size; a server's cores
        and RAM)."""
        key = id_ if id_ is not None else str(body["id"])
        name = body.get("name")
        self.db.execute(
            "INSERT OR REPLACE INTO resources"
            " (kind, id, project, name, parent, owner, amount1, amount2, body)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                kind,
                key,
                project,
                name if isinstance(name, str) else None,
                parent,
                owner,
                amounts[0],
                amounts[1],
                json.dumps(body, separators=(",", ":")),
            ),
        )

    def delete(self, kind: str, id_: str) -> bool:
        """Remove a resource; True if it existed."""
        cursor = self.db.execute("DELETE FROM resources WHERE kind=? AND id=?", (kind, id_))
        return cursor.rowcount > 0

    def query(
        self,
        kind: str,
        *,
        project: str | None = None,
        name: str | None = None,
        parent: str | None = None,
        owner: str | None = None,
    ) -> list[Body]:
        """Bodies of one kind, filtered on the indexed columns, oldest first."""
        sql = "SELECT body FROM resources WHERE kind=?"
        args: list[Any] = [kind]
        for column, value in (
            ("project", project),
            ("name", name),
            ("parent", parent),
            ("owner", owner),
        ):
            if value is not None:
                sql += f" AND {column}=?"
                args.append(value)
        rows = self.db.execute(sql, args).fetchall()
        bodies = [json.loads(row[0]) for row in rows]
        bodies.sort(key=lambda b: b.get("_seq", 0))
        return bodies

    def count(self, kind: str, project: str | None = None) -> int:
        """How many resources of a kind (in a project) exist."""
        if project is None:
            row = self.db.execute("SELECT COUNT(*) FROM resources WHERE kind=?", (kind,))
        else:
            row = self.db.execute(
                "SELECT COUNT(*) FROM resources WHERE kind=? AND project=?", (kind, project)
            )
        return int(row.fetchone()[0])

    def totals(self, kind: str, project: str) -> tuple[int, int, int]:
        """(count, sum of amount1, sum of amount2) of a project's resources of a kind."""
        row = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(amount1), 0), COALESCE(SUM(amount2), 0)"
            " FROM resources WHERE kind=? AND project=?",
            (kind, project),
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def ids_by_kind(self) -> dict[str, list[tuple[str, str | None, Body]]]:
        """Every resource as (id, name, body), grouped by kind."""
        result: dict[str, list[tuple[str, str | None, Body]]] = {}
        for kind, id_, name, body in self.db.execute(
            "SELECT kind, id, name, body FROM resources ORDER BY kind"
        ):
            result.setdefault(kind, []).append((id_, name, json.loads(body)))
        return result

    def next_seq(self) -> int:
        """A counter that orders resources by creation, kept across restarts."""
        value = int(self.get_meta("seq", "0")) + 1
        self.set_meta("seq", str(value))
        return value

    # -- IP allocations ----------------------------------------------------------------
    def take_ip(self, subnet: str, ip: str, port: str) -> bool:
        """Record ip as used by port; False if someone already holds it."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO ips (subnet, ip, port) VALUES (?, ?, ?)", (subnet, ip, port)
        )
        return cursor.rowcount > 0

    def release_ips(self, port: str) -> None:
        """Free every address a port held."""
        self.db.execute("DELETE FROM ips WHERE port=?", (port,))

    def ip_holder(self, subnet: str, ip: str) -> str | None:
        """The port holding an address, if any."""
        row = self.db.execute(
            "SELECT port FROM ips WHERE subnet=? AND ip=?", (subnet, ip)
        ).fetchone()
        return None if row is None else str(row[0])

    def ips_in_use(self, subnet: str) -> int:
        """How many addresses of a subnet are allocated."""
        row = self.db.execute("SELECT COUNT(*) FROM ips WHERE subnet=?", (subnet,))
        return int(row.fetchone()[0])

    # -- Swift objects ---------------------------------------------------------------
    def put_object(self, container: str, name: str, data: bytes, meta: Body) -> None:
        """Store an object's bytes and metadata."""
        self.db.execute(
            "INSERT OR REPLACE INTO objects (container, name, data, meta) VALUES (?, ?, ?, ?)",
            (container, name, data, json.dumps(meta)),
        )

    def get_object(self, container: str, name: str) -> tuple[bytes, Body] | None:
        """An object's bytes and metadata, or None."""
        row = self.db.execute(
            "SELECT data, meta FROM objects WHERE container=? AND name=?", (container, name)
        ).fetchone()
        return None if row is None else (bytes(row[0]), json.loads(row[1]))

    def set_object_meta(self, container: str, name: str, meta: Body) -> None:
        """Replace an object's metadata, keeping its bytes."""
        self.db.execute(
            "UPDATE objects SET meta=? WHERE container=? AND name=?",
            (json.dumps(meta), container, name),
        )

    def delete_object(self, container: str, name: str) -> bool:
        """Remove an object; True if it existed."""
        cursor = self.db.execute(
            "DELETE FROM objects WHERE container=? AND name=?", (container, name)
        )
        return cursor.rowcount > 0

    def list_objects(self, container: str) -> list[tuple[str, Body]]:
        """(name, metadata) of every object in a container, sorted by name."""
        rows = self.db.execute(
            "SELECT name, meta FROM objects WHERE container=? ORDER BY name", (container,)
        )
        return [(name, json.loads(meta)) for name, meta in rows]

    def container_usage(self, container: str) -> tuple[int, int]:
        """(object count, bytes used) of a container."""
        row = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM objects WHERE container=?",
            (container,),
        ).fetchone()
        return int(row[0]), int(row[1])

    # -- settings ----------------------------------------------------------------------
    def get_meta(self, key: str, default: str) -> str:
        """A stored setting."""
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return default if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting."""
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def wipe(self) -> None:
        """Delete everything (the sandbox reseeds afterwards)."""
        for table in ("resources", "ips", "objects", "meta"):
            self.db.execute(f"DELETE FROM {table}")
