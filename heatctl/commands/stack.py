"""`heatctl stack`: create, inspect, change and delete stacks.

Thin commands: each parses its options, calls heatctl.engine, and renders the result
(rich tables, or JSON with --json; mutating commands stream NDJSON events with --json).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from heatctl.context import AppContext
from heatctl.errors import OperationFailed

if TYPE_CHECKING:
    from heatctl.engine.records import StackRecord
    from heatctl.engine.stack import OperationResult, RunOptions
    from heatctl.engine.store import StateStore

F = Callable[..., Any]


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")(
        func
    )


def run_options(func: F) -> F:
    """Options of the commands that change a stack."""
    options = [
        click.option(
            "--max-parallel",
            type=click.IntRange(min=0),
            default=10,
            show_default=True,
            help="Resources in progress at once (0: no limit).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=None,
            metavar="MINUTES",
            help="Fail the operation after this many minutes.",
        ),
        click.option(
            "--lock-timeout",
            type=click.FloatRange(min=0),
            default=0,
            show_default=True,
            metavar="SECONDS",
            help="Wait this long for another operation on the stack to finish.",
        ),
        click.option("--os-cloud", default=None, help="Cloud of clouds.yaml [env: OS_CLOUD]."),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Stream events as NDJSON on stdout, then the result.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _store(app: AppContext) -> StateStore:
    from heatctl.engine.runtime import open_store

    return open_store(app.settings.state_dir)


def _options(app: AppContext, stack: str, kw: dict[str, Any], secrets: list[str]) -> RunOptions:
    from heatctl.engine.runtime import make_progress
    from heatctl.engine.stack import RunOptions

    progress = make_progress(
        json_output=kw["as_json"],
        stack=stack,
        err_console=app.err_console,
        secrets=secrets,
        quiet=app.settings.quiet,
    )
    timeout = kw.get("timeout")
    return RunOptions(
        max_parallel=kw["max_parallel"] or None,
        timeout=None if timeout is None else timeout * 60,
        lock_timeout=kw["lock_timeout"],
        progress=progress,
        command=f"heatctl stack {kw.get('command', '')} {stack}".replace("  ", " "),
    )


def _finish(app: AppContext, result: OperationResult, as_json: bool) -> None:
    """Print the outcome; exit 1 with the root cause when the operation failed."""
    from heatctl.engine.stack import raise_for

    stack = result.stack
    if as_json:  # the last line of the NDJSON stream
        import json

        result_line = {
            "result": {
                "stack": stack.name,
                "id": stack.id,
                "status": str(stack.status),
                "reason": stack.status_reason,
                "root_causes": result.root_causes(),
            }
        }
        click.echo(json.dumps(result_line, sort_keys=True))
    elif result.ok:
        app.info(f"{stack.name}: {stack.status}")
    raise_for(result)


@click.group()
def stack() -> None:
    """Create, inspect, change and delete stacks."""


@stack.command("list")
@click.option("--nested", is_flag=True, help="Also list nested (child) stacks, with their parent.")
@json_option
@click.pass_obj
def list_stacks(app: AppContext, nested: bool, as_json: bool) -> None:
    """List the stacks of the state directory (top-level ones unless --nested)."""
    stacks = _store(app).list_stacks(include_nested=nested)
    names = {s.id: s.name for s in stacks}
    rows = [_summary(s) for s in stacks]
    if nested:
        for row, record in zip(rows, stacks, strict=True):
            row["parent"] = names.get(record.parent_id or "")
    if as_json:
        app.emit_json(rows)
        return
    columns = ["name", "status", "created", "updated", *(["parent"] if nested else [])]
    _table(app, columns, [[r.get(c) for c in columns] for r in rows])


def _summary(stack: StackRecord) -> dict[str, Any]:
    return {
        "id": stack.id,
        "name": stack.name,
        "status": str(stack.status),
        "reason": stack.status_reason,
        "created": _when(stack.created_at),
        "updated": _when(stack.updated_at),
    }


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


def _table(app: AppContext, columns: list[str], rows: list[list[Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(*columns, box=None, pad_edge=False, header_style="bold")
    for row in rows:
        table.add_row(*("" if cell is None else escape(str(cell)) for cell in row))
    app.console.print(table)


@stack.command("show")
@click.argument("name")
@json_option
@click.pass_obj
def show(app: AppContext, name: str, as_json: bool) -> None:
    """Show a stack: status, parameters (hidden ones masked), resources and outputs."""
    from rich.markup import escape

    from heatctl.engine.views import export_stack

    view = export_stack(_store(app), name)
    if as_json:
        app.emit_json(view)
        return
    keys = ("name", "id", "status", "status_reason", "source_format", "timeout_mins")
    for key in (*keys, "disable_rollback"):
        # Values come from templates and clouds: print them as text, never as rich markup.
        app.console.print(f"[bold]{key}[/bold]: {escape(str(view[key]))}")
    if view["parameters"]:
        _table(app, ["parameter", "value"], [[k, v] for k, v in view["parameters"].items()])
    _table(
        app,
        ["resource", "type", "status", "physical id"],
        [[n, r["type"], r["status"], r["physical_id"]] for n, r in view["resources"].items()],
    )
    if view["outputs"]:
        _table(app, ["output", "value"], [[k, _output_text(o)] for k, o in view["outputs"].items()])


def _output_text(output: dict[str, Any]) -> str:
    import json

    if output.get("error"):
        return f"error: {output['error']}"
    value = output.get("value")
    return value if isinstance(value, str) else json.dumps(value)


@stack.command("output")
@click.argument("name")
@click.argument("output", required=False)
@json_option
@click.pass_obj
def output(app: AppContext, name: str, output: str | None, as_json: bool) -> None:
    """Show the stack's outputs, or the value of one (raw, for scripts)."""
    from heatctl.engine.views import export_stack
    from heatctl.errors import InvalidInput

    outputs = export_stack(_store(app), name)["outputs"]
    if output is not None:
        if output not in outputs:
            known = ", ".join(sorted(outputs)) or "none"
            raise InvalidInput(f"stack {name!r} has no output {output!r} (outputs: {known})")
        if outputs[output].get("error"):
            raise OperationFailed(f"output {output!r}: {outputs[output]['error']}")
        if as_json:
            app.emit_json(outputs[output]["value"])
        else:
            click.echo(_output_text(outputs[output]))
        return
    if as_json:
        app.emit_json(outputs)
        return
    _table(
        app,
        ["output", "value", "description"],
        [[k, _output_text(o), o.get("description")] for k, o in outputs.items()],
    )


@stack.command("resources")
@click.argument("name")
@json_option
@click.pass_obj
def resources(app: AppContext, name: str, as_json: bool) -> None:
    """List a stack's resources with their status and physical ids."""
    from heatctl.engine.views import export_stack

    found = export_stack(_store(app), name)["resources"]
    if as_json:
        app.emit_json(found)
        return
    _table(
        app,
        ["resource", "type", "status", "physical id", "reason"],
        [
            [n, r["type"], r["status"], r["physical_id"], r["status_reason"]]
            for n, r in found.items()
        ],
    )


@stack.command("events")
@click.argument("name")
@click.option(
    "--follow", "-f", is_flag=True, help="Keep printing new events until the stack settles."
)
@json_option
@click.pass_obj
def events(app: AppContext, name: str, follow: bool, as_json: bool) -> None:
    """Show a stack's events (NDJSON with --json), oldest first."""
    from heatctl.engine.events import follow_events

    store = _store(app)
    for event in follow_events(store, name, follow=follow):
        if as_json:
            click.echo(event.to_json_line())
        else:
            click.echo(event.to_text())


@stack.command("delete")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@run_options
@click.pass_obj
def delete(app: AppContext, name: str, yes: bool, **kw: Any) -> None:
    """Delete a stack and every resource in it (dependents first)."""
    from heatctl.engine.runtime import CloudFactory, build_engine
    from heatctl.engine.views import secret_values

    store = _store(app)
    record = store.get_stack(name)
    if not yes and not click.confirm(
        f"Delete stack {record.name} and all its resources?", err=True
    ):
        raise click.Abort()
    cloud = CloudFactory(app.settings.state_dir, kw["os_cloud"], app.info)
    options = _options(
        app, record.name, {**kw, "command": "delete"}, secret_values(store, record.id)
    )
    try:
        result = build_engine(store, cloud).delete(record.id, options)
    finally:
        if options.progress is not None:
            options.progress.close()
        cloud.close()
    _finish(app, result, kw["as_json"])


def template_options(func: F) -> F:
    """Environment files and parameters, as `heatctl template` takes them."""
    options = [
        click.option(
            "-e",
            "--environment",
            "environments",
            multiple=True,
            metavar="ENV",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Environment file; repeat to merge in order.",
        ),
        click.option(
            "-P",
            "--parameter",
            "parameters",
            multiple=True,
            metavar="NAME=VALUE",
            help="Parameter value; repeat for more (a repeated name joins with ',').",
        ),
        click.option(
            "--parameter-file",
            "parameter_files",
            multiple=True,
            metavar="NAME=PATH",
            help="Parameter whose value is the content of a file.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _source(template: Path, kw: dict[str, Any], base: Any = None) -> Any:
    from heatctl.engine.model import Source, parse_parameters

    files = parse_parameters(kw["parameter_files"])
    params = {**(base or {}), **parse_parameters(kw["parameters"])}
    return Source(
        template=str(template.resolve()),
        environments=tuple(str(Path(e).resolve()) for e in kw["environments"]),
        parameters=params,
        parameter_files={k: str(Path(v).resolve()) for k, v in files.items()},
    )


def _run(app: AppContext, name: str, kw: dict[str, Any], secrets: list[str], call: F) -> None:
    """Run one mutating engine call with a cloud and progress; print the outcome."""
    from heatctl.engine.runtime import CloudFactory, build_engine

    cloud = CloudFactory(app.settings.state_dir, kw["os_cloud"], app.info)
    options = _options(app, name, kw, secrets)
    try:
        result = call(build_engine(_store(app), cloud), options)
    finally:
        if options.progress is not None:
            options.progress.close()
        cloud.close()
    _finish(app, result, kw["as_json"])


@stack.command("create")
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="Stack name [default: the template's file name].")
@template_options
@click.option(
    "--rollback/--no-rollback",
    default=False,
    show_default=True,
    help="Delete what was created when the create fails.",
)
@click.option("--dry-run", is_flag=True, help="Show the plan and stop; nothing is created.")
@run_options
@click.pass_obj
def create(
    app: AppContext, template: Path, name: str | None, rollback: bool, dry_run: bool, **kw: Any
) -> None:
    """Create a stack from a template (HOT or CFN) on the cloud."""
    from heatctl.engine.model import load_model

    name = name or template.name.split(".")[0]
    model = load_model(_source(template, kw), stack_name=name)
    _check_in_cloud(app, model, kw["os_cloud"])
    if dry_run:
        _show_plan(app, _engine_for_preview(app).preview(model), kw["as_json"])
        return
    secrets = model.loaded.secrets()

    def call(engine: Any, options: RunOptions) -> OperationResult:
        options.rollback = rollback
        options.command = f"heatctl stack create {name}"
        return engine.create(name, model, options)

    _run(app, name, kw, secrets, call)


@stack.command("update")
@click.argument("name")
@click.option(
    "-t",
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="New template [default: the stack's current one].",
)
@template_options
@click.option(
    "--existing",
    is_flag=True,
    help="Keep the stack's parameters and environments; -P/-e change only what they name.",
)
@click.option(
    "--rollback/--no-rollback",
    default=False,
    show_default=True,
    help="Go back to the previous template and parameters when the update fails.",
)
@run_options
@click.pass_obj
def update(
    app: AppContext, name: str, template: Path | None, existing: bool, rollback: bool, **kw: Any
) -> None:
    """Change a stack: create, update in place, replace, delete or keep each resource."""
    from heatctl.engine.model import load_model, model_from_stack

    store = _store(app)
    record = store.get_stack(name)
    stored = record.environment.get("source", {})
    base = store.stack_parameters(record.id, reveal=True) if existing else {}
    if existing and not kw["environments"]:
        kw["environments"] = tuple(stored.get("environments", ()))
    path = template or Path(stored.get("template", ""))
    model = load_model(_source(path, kw, base), stack_name=record.name)
    _check_in_cloud(app, model, kw["os_cloud"])

    old_params = store.stack_parameters(record.id, reveal=True)

    def call(engine: Any, options: RunOptions) -> OperationResult:
        options.command = f"heatctl stack update {record.name}"
        options.rollback = rollback
        previous = lambda before: model_from_stack(before, old_params)  # noqa: E731
        return engine.update(record.id, model, options, previous_model=previous)

    _run(app, record.name, kw, model.loaded.secrets(), call)


@stack.command("preview")
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--stack",
    "stack_name",
    default=None,
    help="Preview an update of this stack [default: a create].",
)
@template_options
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when nothing would change, 6 (CHANGES_PRESENT) when something would.",
)
@click.option("--fail-on-replace", is_flag=True, help="Exit 1 when a resource would be replaced.")
@json_option
@click.pass_obj
def preview(
    app: AppContext,
    template: Path,
    stack_name: str | None,
    detailed_exitcode: bool,
    fail_on_replace: bool,
    as_json: bool,
    **kw: Any,
) -> None:
    """Show what a create or update would do, changing nothing."""
    from heatctl.engine.model import load_model
    from heatctl.errors import ExitCode

    model = load_model(_source(template, kw), stack_name=stack_name or template.stem)
    plan = _engine_for_preview(app).preview(model, stack_name)
    _show_plan(app, plan, as_json)
    if fail_on_replace and plan.replaces:
        raise OperationFailed(f"the plan replaces {', '.join(plan.replaces)} (--fail-on-replace)")
    if detailed_exitcode and plan.has_changes:
        raise click.exceptions.Exit(int(ExitCode.CHANGES_PRESENT))


def _check_in_cloud(app: AppContext, model: Any, os_cloud: str | None) -> None:
    """Parameters with cloud custom constraints (nova.flavor, glance.image, ...) are looked
    up before anything is created; a template without them never connects here."""
    from heatctl.engine.model import check_cloud_constraints, cloud_constraints
    from heatctl.engine.runtime import CloudFactory

    if not cloud_constraints(model):
        return
    cloud = CloudFactory(app.settings.state_dir, os_cloud, app.info)
    try:
        check_cloud_constraints(model, cloud.connection())
    finally:
        cloud.close()


def _engine_for_preview(app: AppContext) -> Any:
    from heatctl.engine.runtime import CloudFactory, build_engine

    return build_engine(_store(app), CloudFactory(app.settings.state_dir))


def _show_plan(app: AppContext, plan: Any, as_json: bool) -> None:
    rows = [
        {
            "resource": n,
            "action": d.change.value,
            "type": d.type,
            "reasons": list(d.reasons),
            "uncertain": d.uncertain,
        }
        for n, d in sorted(plan.decisions.items())
    ]
    if as_json:
        app.emit_json({"changes": rows, "counts": plan.counts(), "replaces": plan.replaces})
        return
    _table(
        app,
        ["resource", "action", "type", "why"],
        [[r["resource"], r["action"], r["type"], "; ".join(r["reasons"])] for r in rows],
    )
    counts = ", ".join(f"{n} {k}" for k, n in plan.counts().items() if n)
    app.info(f"plan: {counts or 'nothing'}")


@stack.command("resume")
@click.argument("name")
@run_options
@click.pass_obj
def resume(app: AppContext, name: str, **kw: Any) -> None:
    """Finish a stack's interrupted or failed operation (create, update, delete)."""
    from heatctl.engine.model import model_from_stack
    from heatctl.engine.views import secret_values

    store = _store(app)
    record = store.get_stack(name)

    def call(engine: Any, options: RunOptions) -> OperationResult:
        options.command = f"heatctl stack resume {record.name}"
        params = store.stack_parameters(record.id, reveal=True)
        return engine.resume(record.id, lambda s: model_from_stack(s, params), options)

    _run(app, record.name, kw, secret_values(store, record.id), call)


@stack.command("signal")
@click.argument("name")
@click.argument("resource")
@click.option(
    "--data",
    "data",
    default=None,
    metavar="JSON",
    help='Signal body, e.g. \'{"status": "SUCCESS", "reason": "booted", "data": "..."}\'.',
)
@click.pass_obj
def signal(app: AppContext, name: str, resource: str, data: str | None) -> None:
    """Signal a resource as a guest or an alarm would: a wait condition handle, a software
    deployment, a scaling policy, a Mistral workflow."""
    import json

    from heatctl.engine.resource_signal import handles_signals
    from heatctl.engine.software_signals import normalize_for
    from heatctl.errors import InvalidInput

    store = _store(app)
    record = store.get_stack(name)
    row = store.find_resource(record.id, resource)
    if row is None or row.physical_id is None:
        raise InvalidInput(f"stack {record.name!r} has no created resource {resource!r} to signal")
    try:
        payload = json.loads(data) if data else None
    except ValueError as error:  # JSONDecodeError is a ValueError
        raise InvalidInput(f"--data: {error}") from error
    if row.type in ("OS::Heat::ScalingPolicy", "AWS::AutoScaling::ScalingPolicy"):
        _signal_policy(app, record.name, resource, payload)
    elif handles_signals(row.type):  # e.g. a Mistral workflow starts an execution
        _signal_in_cloud(app, store, record, row, payload)
    else:
        count = len(store.signals(record.id, row.physical_id)) + 1
        try:
            body = normalize_for(row.type, {} if payload is None else payload, count)
        except ValueError as error:
            raise InvalidInput(f"--data: {error}") from error
        store.add_signal(record.id, row.physical_id, resource, body)
        app.info(f"{record.name}/{resource}: signal {body['id']} ({body['status']}) recorded")


def _signal_in_cloud(app: AppContext, store: Any, record: Any, row: Any, payload: Any) -> None:
    """A type that acts on a signal itself (Heat's handle_signal) does it now, in the cloud."""
    from heatctl.engine.resource_signal import deliver
    from heatctl.engine.runtime import CloudFactory

    cloud = CloudFactory(app.settings.state_dir, None, app.info)
    try:
        outcome = deliver(store, record, row, payload, cloud.connection)
    finally:
        cloud.close()
    app.info(f"{record.name}/{row.name}: {outcome}")


def _signal_policy(app: AppContext, stack_name: str, policy: str, payload: Any) -> None:
    """A scaling policy adjusts its group now (what an alarm webhook will call)."""
    from heatctl.engine.model import model_from_stack
    from heatctl.engine.scaling_signal import signal_policy
    from heatctl.engine.views import secret_values
    from heatctl.errors import InvalidInput

    details = {} if payload is None else payload
    if not isinstance(details, dict):
        raise InvalidInput("--data: a scaling policy signal takes a JSON object")
    store = _store(app)
    record = store.get_stack(stack_name)
    params = store.stack_parameters(record.id, reveal=True)
    kw = {"as_json": False, "max_parallel": 10, "lock_timeout": 0, "os_cloud": None}

    def call(engine: Any, options: RunOptions) -> Any:
        options.command = f"heatctl stack signal {record.name} {policy}"
        return signal_policy(
            engine, record.id, policy, details, options, lambda s: model_from_stack(s, params)
        )

    from heatctl.engine.runtime import CloudFactory, build_engine

    cloud = CloudFactory(app.settings.state_dir, None, app.info)
    options = _options(app, record.name, kw, secret_values(store, record.id))
    try:
        outcome = call(build_engine(store, cloud), options)
    finally:
        if options.progress is not None:
            options.progress.close()
        cloud.close()
    app.info(f"{record.name}/{policy}: {outcome.reason}")


@stack.command("check")
@click.argument("name")
@click.option("--os-cloud", default=None, help="Cloud of clouds.yaml [env: OS_CLOUD].")
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help="Wait this long for another operation on the stack to finish.",
)
@json_option
@click.pass_obj
def check(
    app: AppContext, name: str, os_cloud: str | None, lock_timeout: float, as_json: bool
) -> None:
    """Compare the stack's resources with the cloud; exit 6 when they differ (drift)."""
    from heatctl.engine.runtime import CloudFactory, build_engine
    from heatctl.engine.stack import RunOptions
    from heatctl.errors import ExitCode

    cloud = CloudFactory(app.settings.state_dir, os_cloud, app.info)
    options = RunOptions(lock_timeout=lock_timeout, command=f"heatctl stack check {name}")
    try:
        record, drift = build_engine(_store(app), cloud).check(name, options)
    finally:
        cloud.close()
    if as_json:
        app.emit_json({"stack": record.name, "status": str(record.status), "drift": drift})
    else:
        _table(app, ["resource", "drift"], [[n, why] for n, why in sorted(drift.items())])
        app.info(f"{record.name}: {record.status} ({record.status_reason})")
    if drift:
        raise click.exceptions.Exit(int(ExitCode.CHANGES_PRESENT))


@stack.command("abandon")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help="Wait this long for another operation on the stack to finish.",
)
@click.pass_obj
def abandon(app: AppContext, name: str, yes: bool, lock_timeout: float) -> None:
    """Forget a stack but keep its cloud resources; print its data (JSON) on stdout."""
    from heatctl.engine import locks
    from heatctl.engine.views import export_stack

    store = _store(app)
    record = store.get_stack(name)
    if not yes and not click.confirm(
        f"Forget stack {record.name}? Its cloud resources stay, unmanaged.", err=True
    ):
        raise click.Abort()
    with locks.acquire(
        store,
        record.id,
        command=f"heatctl stack abandon {record.name}",
        lock_timeout=lock_timeout,
        stack_name=record.name,
    ):
        view = export_stack(store, record.id)
        store.forget_stack(record.id)
    app.emit_json(view)
    app.info(f"{record.name}: abandoned; {len(view['resources'])} resource(s) left in the cloud")


@stack.command("graph")
@click.argument("name")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tree", "dot", "mermaid", "json"]),
    default="tree",
    show_default=True,
    help="Output format.",
)
@click.pass_obj
def graph(app: AppContext, name: str, fmt: str) -> None:
    """Show the stack's resources as a dependency graph, with their live statuses."""
    from heatctl.engine.views import stack_graph

    click.echo(stack_graph(_store(app), name, fmt), nl=False)


@stack.command("cancel")
@click.argument("name")
@click.pass_obj
def cancel(app: AppContext, name: str) -> None:
    """Stop the operation running on a stack (in any process); no rollback."""
    from heatctl.engine.runtime import CloudFactory, build_engine

    record = build_engine(_store(app), CloudFactory(app.settings.state_dir)).request_cancel(name)
    app.info(f"{record.name}: cancel requested; the running operation stops within a second")


@stack.command("adopt")
@click.argument("data_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="Stack name [default: the abandoned stack's].")
@click.option(
    "-P",
    "--parameter",
    "parameters",
    multiple=True,
    metavar="NAME=VALUE",
    help="Parameter value (needed for hidden ones: abandon data masks them).",
)
@run_options
@click.pass_obj
def adopt(
    app: AppContext, data_file: Path, name: str | None, parameters: tuple[str, ...], **kw: Any
) -> None:
    """Create a stack that takes over the cloud resources of `stack abandon` data."""
    import json

    from heatctl.engine.model import Source, load_model, parse_parameters
    from heatctl.errors import InvalidInput

    try:
        data = json.loads(data_file.read_text())
        source = data["environment"]["source"]
        resources = data["resources"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InvalidInput(
            f"{data_file}: not the output of `heatctl stack abandon` ({error})"
        ) from error
    params = {k: v for k, v in (data.get("parameters") or {}).items() if v != "******"}
    params.update(parse_parameters(parameters))
    name = name or str(data.get("name") or data_file.stem)
    model = load_model(
        Source(
            template=source["template"],
            environments=tuple(source.get("environments", ())),
            parameters=params,
            parameter_files=source.get("parameter_files", {}),
        ),
        stack_name=name,
    )
    ids = {n: r.get("physical_id") for n, r in resources.items() if r.get("physical_id")}

    def call(engine: Any, options: RunOptions) -> OperationResult:
        options.command = f"heatctl stack adopt {name}"
        return engine.adopt(name, model, ids, options)

    _run(app, name, kw, model.loaded.secrets(), call)
