"""The state store: schema, transitions, events, journal, secrets, and refusing bad files."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from heatctl.engine import migrations
from heatctl.engine.states import InvalidTransition, Status, check_transition
from heatctl.engine.store import MASK, StackNotFound, StateFileError, StateStore
from heatctl.engine.views import export_stack
from heatctl.errors import ConflictError, ExitCode

S = Status.parse


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    with StateStore.open(tmp_path / "state") as opened:
        yield opened


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_wal_versioned_and_sound(store: StateStore) -> None:
    assert store.db.journal_mode == "wal"
    assert store.schema_version() == migrations.LATEST
    assert store.integrity_check() == "ok"
    assert store.db.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
    assert {"stacks", "resources", "events", "outputs", "operations", "locks"} <= set(
        store.db.table_names()
    )


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as first:
        first.create_stack("web", {"resources": {}})
    with StateStore.open(tmp_path) as second:
        assert second.get_stack("web").name == "web"
        rows = second.db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
        assert rows == len(migrations.MIGRATIONS)


def test_stack_by_name_or_id_and_unique_live_names(store: StateStore) -> None:
    stack = store.create_stack("web", {"heat_template_version": "2018-08-31"})
    assert store.get_stack(stack.id).name == "web"
    assert str(store.get_stack("web").status) == "INIT_COMPLETE"
    with pytest.raises(ConflictError, match="already exists"):
        store.create_stack("web", {})
    for step in ("DELETE_IN_PROGRESS", "DELETE_COMPLETE"):
        if step == "DELETE_IN_PROGRESS":
            store.set_stack_status(stack.id, S("CREATE_IN_PROGRESS"))
        store.set_stack_status(stack.id, S(step))
    with pytest.raises(StackNotFound) as info:
        store.get_stack("web")
    assert info.value.exit_code == ExitCode.INVALID
    assert store.create_stack("web", {}).id != stack.id  # the name is free again


def test_status_changes_follow_the_table_and_write_events(store: StateStore) -> None:
    stack = store.create_stack("s", {})
    res = store.add_resource(stack.id, "net", "OS::Neutron::Net")
    store.set_resource_status(res.id, S("CREATE_IN_PROGRESS"), "state changed")
    store.set_resource_status(res.id, S("CREATE_COMPLETE"), physical_id="abc")
    with pytest.raises(InvalidTransition, match="CREATE_COMPLETE to CREATE_IN_PROGRESS"):
        store.set_resource_status(res.id, S("CREATE_IN_PROGRESS"))
    assert str(store.get_resource(res.id).status) == "CREATE_COMPLETE"
    assert store.get_resource(res.id).physical_id == "abc"
    events = store.events(stack.id)
    assert [(e.resource_name, str(e.status), e.physical_id) for e in events] == [
        ("net", "CREATE_IN_PROGRESS", None),
        ("net", "CREATE_COMPLETE", "abc"),
    ]
    assert store.events(stack.id, after_id=events[0].id) == events[1:]


def test_transition_table_allows_resume_of_in_progress_and_nothing_after_delete() -> None:
    check_transition("resource", "r", S("CREATE_IN_PROGRESS"), S("CREATE_IN_PROGRESS"))
    check_transition("stack", "s", S("CREATE_FAILED"), S("CREATE_IN_PROGRESS"))
    for new in ("CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "UPDATE_IN_PROGRESS"):
        with pytest.raises(InvalidTransition):
            check_transition("resource", "r", S("DELETE_COMPLETE"), S(new))
    with pytest.raises(InvalidTransition):
        check_transition("stack", "s", S("INIT_COMPLETE"), S("CREATE_COMPLETE"))


def test_status_parse_rejects_garbage() -> None:
    assert str(S("ROLLBACK_IN_PROGRESS")) == "ROLLBACK_IN_PROGRESS"
    with pytest.raises(ValueError):
        S("CREATE_DONE")
    with pytest.raises(ValueError):
        S("EXPLODE_COMPLETE")


def test_hidden_parameters_never_in_tables_or_exports(store: StateStore) -> None:
    stack = store.create_stack(
        "s", {}, parameters={"user": "bob", "password": "s3cr3t-pw"}, hidden_parameters=["password"]
    )
    res = store.add_resource(stack.id, "db", "OS::Trove::Instance", properties={"pw": "s3cr3t-pw"})
    store.set_resource_data(
        res.id,
        attributes={"private_key": "PRIVATE-KEY", "name": "k"},
        secret_attributes=["private_key"],
    )
    store.set_outputs(stack.id, {"conn": {"value": "mysql://bob:s3cr3t-pw@h", "description": "c"}})
    assert store.get_stack("s").parameters == {"user": "bob", "password": MASK}
    assert store.stack_parameters(stack.id, reveal=True)["password"] == "s3cr3t-pw"
    assert store.resource_attributes(res.id) == {"private_key": MASK, "name": "k"}
    assert store.resource_attributes(res.id, reveal=True)["private_key"] == "PRIVATE-KEY"
    exported = repr(export_stack(store, "s"))
    assert "s3cr3t-pw" not in exported and "PRIVATE-KEY" not in exported
    assert "mysql://bob:******@h" in exported
    for table in ("stacks", "resources"):
        dump = repr(list(store.db[table].rows))
        assert "PRIVATE-KEY" not in dump
    assert "s3cr3t-pw" not in repr(list(store.db["stacks"].rows))


def test_intent_is_committed_before_the_call_and_result_after(tmp_path: Path) -> None:
    store = StateStore.open(tmp_path)
    stack = store.create_stack("s", {})
    res = store.add_resource(stack.id, "net", "OS::Neutron::Net")
    op = store.journal.record_intent(stack.id, res.id, "network.create", {"name": res.tag})
    # Another connection (another process) sees the intent at once: it was committed.
    other = sqlite3.connect(tmp_path / "state.db")
    assert other.execute("SELECT state FROM operations WHERE id = ?", [op]).fetchone() == (
        "intent",
    )
    assert [o.id for o in store.journal.unfinished_operations(stack.id)] == [op]
    store.journal.record_result(op, ok=True, result={"id": "n-1"})
    assert store.journal.unfinished_operations(stack.id) == []
    assert store.journal.operations(stack.id)[0].result == {"id": "n-1"}
    other.close()
    store.close()


def test_replacement_gets_a_new_tag_and_becomes_current(store: StateStore) -> None:
    stack = store.create_stack("s", {})
    old = store.add_resource(stack.id, "srv", "OS::Nova::Server")
    new = store.add_resource(stack.id, "srv", "OS::Nova::Server", replaces=old.id)
    assert old.tag == f"heatctl-{stack.id}-srv" and new.tag == old.tag + "-g2"
    assert [r.id for r in store.resources(stack.id)] == [old.id]
    store.promote_replacement(new.id)
    assert [r.id for r in store.resources(stack.id)] == [new.id]
    assert {r.id for r in store.resources(stack.id, current_only=False)} == {old.id, new.id}


def test_threads_share_the_store_safely(store: StateStore) -> None:
    stack = store.create_stack("s", {})
    ids = [store.add_resource(stack.id, f"r{i}", "OS::Heat::None").id for i in range(40)]

    def work(rid: str) -> None:
        for step in ("CREATE_IN_PROGRESS", "CREATE_COMPLETE"):
            store.set_resource_status(rid, S(step))

    threads = [threading.Thread(target=work, args=(rid,)) for rid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.events(stack.id)) == 80
    assert store.integrity_check() == "ok"


def test_corrupted_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"this is not sqlite at all\n" * 200)
    before = _digest(path)
    with pytest.raises(StateFileError) as info:
        StateStore(path)
    assert info.value.exit_code == ExitCode.INVALID
    assert str(path) in info.value.message and "nothing was changed" in (info.value.hint or "")
    assert _digest(path) == before
    assert not (tmp_path / "state.db-wal").exists()


def test_foreign_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO photos (title) VALUES ('cat')")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(StateFileError, match=r"not a heatctl state file.*photos"):
        StateStore(path)
    assert _digest(path) == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.create_stack("keep-me", {})
        store.db["schema_migrations"].insert({"version": 99, "name": "future", "applied_at": 0})
    before = _digest(tmp_path / "state.db")
    with pytest.raises(StateFileError, match="version 99 is newer") as info:
        StateStore.open(tmp_path)
    assert info.value.exit_code == ExitCode.INVALID
    assert _digest(tmp_path / "state.db") == before


def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.create_stack("keep-me", {})

        def broken(db: object) -> None:
            store.db.execute("ALTER TABLE stacks ADD COLUMN extra TEXT")
            raise RuntimeError("disk on fire")

        steps = [*migrations.MIGRATIONS, (migrations.LATEST + 1, "broken", broken)]
        with pytest.raises(RuntimeError):
            migrations.migrate(store.db, store.path, steps)
        assert store.schema_version() == migrations.LATEST
        assert "extra" not in store.db["stacks"].columns_dict
        assert store.get_stack("keep-me")


def test_state_dir_that_cannot_be_created_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(Exception) as info:
        StateStore.open(blocker / "sub")
    assert getattr(info.value, "exit_code", None) == ExitCode.CLOUD


def test_an_older_file_is_migrated_forward_keeping_its_data(tmp_path: Path) -> None:
    import sqlite_utils

    path = tmp_path / "state.db"
    db = sqlite_utils.Database(sqlite3.connect(path))
    migrations.migrate(db, path, migrations.MIGRATIONS[:1])  # a file written by schema 1
    db.conn.execute(
        "INSERT INTO stacks (id, name, status, template, created_at, updated_at)"
        " VALUES ('s1', 'old', 'CREATE_COMPLETE', '{}', 0, 0)"
    )
    db.conn.commit()
    db.close()
    with StateStore(path) as store:
        assert store.schema_version() == migrations.LATEST
        assert "signals" in store.db.table_names()
        assert str(store.get_stack("old").status) == "CREATE_COMPLETE"
        store.add_signal("s1", "phys-1", "handle", {"status": "SUCCESS"})
        assert store.signals("s1", "phys-1") == [{"status": "SUCCESS"}]
