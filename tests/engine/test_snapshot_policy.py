"""deletion_policy Snapshot as Heat does it: a volume is backed up and a server saved as an
image before each is deleted; the copy is all that is left in the cloud."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine.admin_cloud import Sandbox, cloud, inventory, isolate, ok, physical, write


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


VOLUME = """
heat_template_version: 2018-08-31
parameters:
  zone: {type: string, default: nova}
resources:
  data:
    type: OS::Cinder::Volume
    deletion_policy: Snapshot
    properties: {size: 1, availability_zone: {get_param: zone}}
"""


def _delete(run_cli: Any, stack: str) -> str:
    """Delete the stack; the NDJSON events it streamed, as text."""
    return str(ok(run_cli("stack", "delete", stack, "--yes", "--json")).stdout)


def test_volume_is_backed_up_then_deleted(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    ok(run_cli("stack", "create", str(write(tmp_path, "v.yaml", VOLUME)), "--name", "v"))
    volume = physical(run_cli, "v", "data")
    streamed = _delete(run_cli, "v")
    left = inventory(state_dir)
    assert set(left) == {"volume/backup"} and len(left["volume/backup"]) == 1
    backup_id = left["volume/backup"][0]
    backup = cloud(state_dir, lambda c: c.block_storage.get_backup(backup_id))
    assert (backup.volume_id, backup.status) == (volume, "available")
    assert f"backup {backup_id}" in streamed


def test_replaced_volume_is_backed_up(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = str(write(tmp_path, "v.yaml", VOLUME))
    ok(run_cli("stack", "create", template, "--name", "r"))
    first = physical(run_cli, "r", "data")
    # availability_zone cannot change in place: the volume is replaced, the old one backed up.
    ok(run_cli("stack", "update", "r", "-t", template, "-P", "zone=other"))
    second = physical(run_cli, "r", "data")
    assert second != first
    left = inventory(state_dir)
    assert left["volume/volume"] == [second] and len(left["volume/backup"]) == 1
    backup = cloud(state_dir, lambda c: c.block_storage.get_backup(left["volume/backup"][0]))
    assert backup.volume_id == first


SERVER = """
heat_template_version: 2018-08-31
resources:
  web:
    type: OS::Nova::Server
    deletion_policy: Snapshot
    properties:
      image: cirros
      flavor: m1.tiny
      networks: [{network: private}]
"""


def test_server_is_saved_as_an_image(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    ok(run_cli("stack", "create", str(write(tmp_path, "s.yaml", SERVER)), "--name", "s"))
    server = physical(run_cli, "s", "web")
    streamed = _delete(run_cli, "s")
    left = inventory(state_dir)
    assert set(left) == {"image/image"} and len(left["image/image"]) == 1
    image = cloud(state_dir, lambda c: c.image.get_image(left["image/image"][0]))
    assert image.status == "active" and image.name.startswith("s-web-")
    assert image.instance_uuid == server and image.properties["image_type"] == "snapshot"
    assert f"image {image.id}" in streamed


FAILING = """
heat_template_version: 2018-08-31
resources:
  data:
    type: OS::Cinder::Volume
    deletion_policy: Snapshot
    properties: {size: 1, metadata: {"sandbox:fail": error}}
"""


def test_failed_volume_is_not_backed_up(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    # Heat backs up only a volume that did not fail to be created or updated.
    failed = run_cli("stack", "create", str(write(tmp_path, "f.yaml", FAILING)), "--name", "f")
    assert failed.exit_code != 0
    streamed = _delete(run_cli, "f")
    assert "deleted without a snapshot" in streamed
    assert inventory(state_dir) == {}


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A sandbox served beside heatctl (so tests can set fault rules), named `sandbox`."""
    sandbox = Sandbox(state_path=tmp_path / "cloud.db").start()
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(sandbox.write_clouds_yaml(tmp_path / "c.yaml")))
    yield sandbox
    sandbox.stop()


def test_a_lost_answer_never_makes_a_second_copy(run_cli: Any, served: Any, tmp_path: Path) -> None:
    # The backup and the image are made, but heatctl is told 503: each is found again
    # (backup by its tag in metadata, image by its name) instead of being made twice.
    for name, path in (("backup", "/backups$"), ("image", "/action$")):
        served.rules.add(
            [
                {
                    "name": f"lost-{name}",
                    "match": {"method": "POST", "path": path, "nth": 1},
                    "action": {"commit_then": 503},
                }
            ]
        )
    both = VOLUME.replace("resources:", "resources:\n" + SERVER.split("resources:\n")[1], 1)
    template = str(write(tmp_path, "both.yaml", both))
    ok(run_cli("stack", "create", template, "--name", "b", "--os-cloud", "sandbox"))
    ok(run_cli("stack", "delete", "b", "--yes", "--os-cloud", "sandbox"))
    left = served.inventory()
    assert {k: len(v) for k, v in left.items()} == {"image/image": 1, "volume/backup": 1}
    rules = {r.rule for r in served.request_log if r.rule}
    assert rules == {"lost-backup", "lost-image"}


def test_a_delete_tried_again_polls_the_recorded_backup(
    run_cli: Any, served: Any, tmp_path: Path
) -> None:
    # The first delete fails while polling the backup it started; the backup id is in the
    # resource's data, so the next delete waits for that backup instead of taking another.
    served.rules.add(
        [
            {
                "name": "refuse-poll",
                "match": {"method": "GET", "path": "/backups/[0-9a-f-]+$", "times": 1},
                "action": {"status": 400, "message": "not now"},
            }
        ]
    )
    template = str(write(tmp_path, "v.yaml", VOLUME))
    ok(run_cli("stack", "create", template, "--name", "t", "--os-cloud", "sandbox"))
    failed = run_cli("stack", "delete", "t", "--yes", "--os-cloud", "sandbox")
    assert failed.exit_code != 0 and "not now" in failed.stderr
    row = json.loads(ok(run_cli("stack", "resources", "t", "--json")).stdout)["data"]
    assert row["status"] == "DELETE_FAILED"
    assert served.inventory()["volume/volume"]  # still there: its backup was not confirmed
    ok(run_cli("stack", "delete", "t", "--yes", "--os-cloud", "sandbox"))
    left = served.inventory()
    assert set(left) == {"volume/backup"} and len(left["volume/backup"]) == 1
    # One backup request in all: the second delete polled the first one's backup.
    assert [r.status for r in served.request_log if r.path.endswith("/backups")] == [202]
