"""OS::Mistral::* on the embedded sandbox through the CLI: a workflow built from its
properties, a cron trigger on it, and an external resource whose id comes from the output
of the workflows it runs; update in place, delete, nothing left behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.engine.test_plugins_more import (
    _cloud,
    _inventory,
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
  size: {type: number, default: 1}
  greeting: {type: string, default: hello}
resources:
  maker:
    type: OS::Mistral::Workflow
    properties:
      type: direct
      input: {size: 1}
      output: {resource_id: <% $.made %>, size: <% $.size %>}
      tasks:
        - name: make
          action: std.echo output="thing-<% $.size %>"
          publish: {made: <% task(make).result %>}
  remover:
    type: OS::Mistral::Workflow
    properties:
      type: direct
      input: {size: 1}
      tasks: [{name: noop, action: std.noop}]
  greeter:
    type: OS::Mistral::Workflow
    properties:
      name: greeter
      type: direct
      description: {get_param: greeting}
      input: {name: world}
      tasks: [{name: hi, action: std.noop}]
  nightly:
    type: OS::Mistral::CronTrigger
    properties:
      pattern: "30 2 * * *"
      workflow: {name: {get_resource: greeter}, input: {name: cron}}
  thing:
    type: OS::Mistral::ExternalResource
    properties:
      actions:
        CREATE: {workflow: {get_resource: maker}}
        UPDATE: {workflow: {get_resource: maker}}
        DELETE: {workflow: {get_resource: remover}}
      input: {size: {get_param: size}}
outputs:
  output: {value: {get_attr: [thing, output]}}
  next: {value: {get_attr: [nightly, next_execution_time]}}
  data: {value: {get_attr: [greeter, data]}}
"""


def test_mistral_workflow_cron_trigger_and_external_resource(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "mistral.yaml", TEMPLATE)
    _ok(run_cli("stack", "create", str(template), "--name", "w"))
    outputs = _outputs(run_cli, "w")
    assert outputs["output"] == {"resource_id": "thing-1", "size": 1}
    assert _physical(run_cli, "w", "thing") == "thing-1"
    assert outputs["next"].endswith("02:30:00")
    assert outputs["data"] == {"name": "greeter", "input": {"name": "world"}}
    maker = _physical(run_cli, "w", "maker")
    assert maker.startswith("w-maker-")

    def definition(conn: Any) -> Any:
        import yaml

        return yaml.safe_load(conn.workflow.get(f"/workflows/{maker}").json()["definition"])

    spec = _cloud(state_dir, definition)[maker]
    assert spec["input"] == ["size"]
    assert spec["tasks"]["make"]["publish"] == {"made": "<% task(make).result %>"}
    # New input: the UPDATE workflow runs and the id follows its output.
    _ok(run_cli("stack", "update", "w", "-t", str(template), "-P", "size=3",
                "-P", "greeting=bonjour"))  # fmt: skip
    assert _physical(run_cli, "w", "thing") == "thing-3"
    assert _outputs(run_cli, "w")["output"]["size"] == 3
    executions = _cloud(state_dir, lambda c: [e.workflow_name for e in c.workflow.executions()])
    assert sorted(executions) == [maker, maker]  # CREATE, then UPDATE
    _ok(run_cli("stack", "delete", "w", "--yes"))
    # The DELETE workflow ran; heatctl then removes the executions it started.
    assert _inventory(state_dir) == {}


BAD = """
heat_template_version: 2018-08-31
resources:
  broken:
    type: OS::Mistral::Workflow
    properties:
      type: direct
      tasks: [{name: call, action: std.http}]
"""


def test_mistral_refuses_an_action_it_does_not_know(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    result = run_cli("stack", "create", str(_write(tmp_path, "bad.yaml", BAD)), "--name", "b")
    assert result.exit_code == 1
    assert "Action not found [action_name=std.http]" in result.stderr
    _ok(run_cli("stack", "delete", "b", "--yes"))
    assert _inventory(state_dir) == {}


SIGNALLED = """
heat_template_version: 2018-08-31
resources:
  greeter:
    type: OS::Mistral::Workflow
    properties:
      type: direct
      input: {name: world, greeting: hello}
      params: {env: {team: a}}
      output: {message: <% $.greeting %> <% $.name %>}
      tasks: [{name: hi, action: std.noop}]
  raw:
    type: OS::Mistral::Workflow
    properties:
      type: direct
      use_request_body_as_input: true
      input: {greeting: hello}
      output: {message: <% $.greeting %> raw}
      tasks: [{name: hi, action: std.noop}]
outputs:
  executions: {value: {get_attr: [greeter, executions]}}
  alarm_url: {value: {get_attr: [greeter, alarm_url]}}
"""


def test_mistral_workflow_signal_starts_an_execution(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "signal.yaml", SIGNALLED)
    _ok(run_cli("stack", "create", str(template), "--name", "s"))
    assert _outputs(run_cli, "s")["executions"] == []
    # As Heat's handle_signal: the signal's inputs replace the template's, the rest stay.
    result = _ok(run_cli("stack", "signal", "s", "greeter", "--data", '{"input": {"name": "bob"}}'))
    assert "Mistral execution" in result.stderr and "started" in result.stderr
    _ok(run_cli("stack", "signal", "s", "greeter"))
    bad = run_cli("stack", "signal", "s", "greeter", "--data", '{"input": {"nope": 1}}')
    assert bad.exit_code == 3 and "Unknown input nope" in bad.stderr
    # use_request_body_as_input: the whole body is the input, checked by Mistral.
    _ok(run_cli("stack", "signal", "s", "raw", "--data", '{"greeting": "hi"}'))
    refused = run_cli("stack", "signal", "s", "raw", "--data", '{"other": 1}')
    assert refused.exit_code == 1 and "unexpected=['other']" in refused.stderr
    import time

    time.sleep(0.3)
    _ok(run_cli("stack", "check", "s"))  # resolves the attributes again
    executions = _cloud(
        state_dir,
        lambda c: sorted(
            (json.loads(e.output)["message"], json.loads(e.input), json.loads(e.params), e.status)
            for e in c.workflow.executions()
        ),
    )
    params = {"env": {"team": "a"}}
    assert executions == [
        ("hello bob", {"name": "bob", "greeting": "hello"}, params, "SUCCESS"),
        ("hello world", {"name": "world", "greeting": "hello"}, params, "SUCCESS"),
        ("hi raw", {"greeting": "hi"}, {}, "SUCCESS"),
    ]
    _ok(run_cli("stack", "delete", "s", "--yes"))  # deletes the executions too, as Heat
    assert _inventory(state_dir) == {}
