"""`heatctl sandbox`: run the local OpenStack-compatible cloud, see and reset its state."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import click

from heatctl.context import AppContext

DEFAULT_PORT = 18500


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _state(ctx: AppContext, state: Path | None) -> Path:
    from heatctl.sandbox.runtime import default_state_path

    return state or default_state_path(ctx.settings.state_dir)


STATE_OPTION = click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file holding the cloud [default: <state dir>/sandbox.db].",
)


@click.group()
def sandbox() -> None:
    """Run the local sandbox cloud (Keystone, Nova, Neutron, Cinder, Glance, Swift).

    See docs/sandbox.md for what it models and how to write fault rules.
    """


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on (0 picks a free one).",
)
@click.option(
    "--rules",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML/JSON file of latency and fault rules.",
)
@click.option(
    "--clouds-yaml",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a clouds.yaml for this sandbox here (clouds: sandbox, devstack, "
    "devstack-alt, devstack-admin, devstack-system-admin).",
)
@click.option(
    "--keystone-url",
    default=None,
    help="Hybrid mode: validate tokens with this real Keystone (user admin, password from "
    "HEATCTL_SANDBOX_KEYSTONE_PASSWORD, default 'secret').",
)
@click.option(
    "--virtual-clock", is_flag=True, help="Freeze time; move it with POST /__sandbox__/clock."
)
@click.option(
    "--timing",
    "timings",
    multiple=True,
    metavar="STEP=SECONDS",
    help="How long an asynchronous step takes, e.g. server_build=5 (repeatable; see "
    "docs/sandbox.md for the steps).",
)
@STATE_OPTION
@click.pass_obj
def serve(
    ctx: AppContext,
    host: str,
    port: int,
    rules: Path | None,
    clouds_yaml: Path | None,
    keystone_url: str | None,
    virtual_clock: bool,
    timings: tuple[str, ...],
    state: Path | None,
) -> None:
    """Serve the sandbox in the foreground until Ctrl-C."""
    from heatctl.sandbox.runtime import clear_runtime, parse_timings, start_serving

    state_path = _state(ctx, state)
    box = start_serving(
        state_path,
        host=host,
        port=port,
        rules=rules,
        virtual_clock=virtual_clock,
        timings=parse_timings(timings),
        keystone_url=keystone_url,
    )
    if clouds_yaml:
        ctx.info(f"wrote {box.write_clouds_yaml(clouds_yaml)} (export OS_CLOUD=sandbox)")
    click.echo(
        f"sandbox serving at {box.url} (auth_url {box.auth_url}, state {state_path})", err=True
    )
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl-C
    try:
        box.serve_forever()
    except KeyboardInterrupt:
        click.echo("sandbox stopped", err=True)
    finally:
        clear_runtime(state_path)


@sandbox.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@STATE_OPTION
@click.pass_obj
def status(ctx: AppContext, as_json: bool, state: Path | None) -> None:
    """Show whether the sandbox is serving and what resources it holds."""
    from heatctl.sandbox.runtime import status as sandbox_status

    info = sandbox_status(_state(ctx, state))
    if as_json:
        ctx.emit_json(info)
        return
    where = f"serving at {info['url']}" if info["running"] else "not running"
    click.echo(f"sandbox {where}; state {info['state']}")
    if info["resources"] is None:
        click.echo("no state yet (the first start seeds a fresh cloud)")
        return
    for kind, count in sorted(info["resources"].items()):
        click.echo(f"  {kind}: {count}")
    if not info["resources"]:
        click.echo("  no resources beyond the seeded ones")


@sandbox.command()
@STATE_OPTION
@click.pass_obj
def reset(ctx: AppContext, state: Path | None) -> None:
    """Delete every resource and start again from the seeded cloud."""
    from heatctl.sandbox.runtime import reset as sandbox_reset

    click.echo(sandbox_reset(_state(ctx, state)))
