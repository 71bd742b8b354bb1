"""OS::Zaqar::* on the embedded sandbox through the CLI: a queue with metadata, a
subscription, a Mistral trigger that starts its workflow when a message is posted, and a
signed queue URL whose signature is Zaqar's HMAC; update in place, delete, nothing left."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from tests.engine.test_plugins_more import (
    _cloud,
    _delete_leaves_nothing,
    _ok,
    _outputs,
    _physical,
    _write,
    no_clouds_yaml,
)

__all__ = ["no_clouds_yaml"]

TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  ttl: {type: number, default: 3600}
  color: {type: string, default: red}
resources:
  queue:
    type: OS::Zaqar::Queue
    properties: {metadata: {color: {get_param: color}}}
  hook:
    type: OS::Zaqar::Subscription
    properties:
      queue_name: {get_resource: queue}
      subscriber: mailto:ops@example.org
      ttl: {get_param: ttl}
  flow:
    type: OS::Mistral::Workflow
    properties:
      type: direct
      input: {who: nobody}
      output: {seen: <% $.who %>}
      tasks: [{name: noop, action: std.noop}]
  trigger:
    type: OS::Zaqar::MistralTrigger
    properties:
      queue_name: {get_resource: queue}
      workflow_id: {get_resource: flow}
      input: {who: zaqar}
  signed:
    type: OS::Zaqar::SignedQueueURL
    properties:
      queue: {get_resource: queue}
      methods: [POST, GET]
      ttl: 600
outputs:
  href: {value: {get_attr: [queue, href]}}
  query: {value: {get_attr: [signed, query_str]}}
  signature: {value: {get_attr: [signed, signature]}}
"""


def test_zaqar_queue_subscription_trigger_and_signed_url(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "zaqar.yaml", TEMPLATE)
    _ok(run_cli("stack", "create", str(template), "--name", "z"))
    queue = _physical(run_cli, "z", "queue")
    outputs = _outputs(run_cli, "z")
    assert outputs["href"].endswith(f"/messaging/queues/{queue}") or queue in outputs["href"]
    query = {k: v[0] for k, v in parse_qs(outputs["query"]).items()}
    assert query["methods"] == "GET,POST" and query["queue_name"] == queue
    assert query["paths"] == f"/v2/queues/{queue}/messages"

    def verify(conn: Any) -> Any:
        headers = {"Client-ID": "c1"}
        assert conn.message.get(f"/queues/{queue}", headers=headers).json()["color"] == "red"
        subscriptions = conn.message.get(f"/queues/{queue}/subscriptions", headers=headers)
        by_subscriber = {s["subscriber"]: s for s in subscriptions.json()["subscriptions"]}
        assert by_subscriber["mailto:ops@example.org"]["ttl"] == 3600
        conn.message.post(
            f"/queues/{queue}/messages", json={"messages": [{"body": {"n": 1}}]}, headers=headers
        )
        time.sleep(0.25)
        return [e.output for e in conn.workflow.executions()]

    assert _cloud(state_dir, verify) == [json.dumps({"seen": "zaqar"})]
    # The signature is Zaqar's HMAC-SHA256 with the sandbox's secret key.
    from heatctl.sandbox import Sandbox

    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        key = sandbox.start().app.cloud.store.get_meta("zaqar_secret_key", "")
    finally:
        sandbox.stop()
    text = "\\n".join((query["paths"], query["methods"], query["project_id"], query["expires"]))
    expected = hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()
    assert outputs["signature"] == query["signature"] == expected
    # The subscription's ttl changes in place.
    _ok(run_cli("stack", "update", "z", "-t", str(template), "-P", "ttl=120"))
    assert _physical(run_cli, "z", "queue") == queue

    def updated(conn: Any) -> tuple[Any, ...]:
        headers = {"Client-ID": "c1"}
        subs = conn.message.get(f"/queues/{queue}/subscriptions", headers=headers).json()
        color = conn.message.get(f"/queues/{queue}", headers=headers).json()["color"]
        return color, sorted(s["ttl"] for s in subs["subscriptions"])

    assert _cloud(state_dir, updated) == ("red", [120, 220367260800])
    _ok(run_cli("stack", "delete", "z", "--yes"))

    def executions(conn: Any) -> None:
        for execution in conn.workflow.executions():
            conn.workflow.delete_execution(execution.id)

    _cloud(state_dir, executions)  # the trigger's execution is Mistral's history
    from tests.engine.test_plugins_more import _inventory

    assert _inventory(state_dir) == {}


QUEUE = """
heat_template_version: 2018-08-31
parameters:
  color: {type: string, default: red}
resources:
  queue:
    type: OS::Zaqar::Queue
    properties: {name: jobs, metadata: {color: {get_param: color}}}
"""


def test_zaqar_queue_metadata_updates_in_place(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "queue.yaml", QUEUE)
    _ok(run_cli("stack", "create", str(template), "--name", "q"))
    assert _physical(run_cli, "q", "queue") == "jobs"
    _ok(run_cli("stack", "update", "q", "-t", str(template), "-P", "color=blue"))
    color = _cloud(
        state_dir, lambda c: c.message.get("/queues/jobs", headers={"Client-ID": "c"}).json()
    )["color"]
    assert color == "blue"
    _delete_leaves_nothing(run_cli, state_dir, "q")
