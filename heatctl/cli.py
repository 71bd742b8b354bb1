"""The `heatctl` command: root group, global options, and errors turned into exit codes.

Command groups live in `heatctl/commands/`, one module each, and are imported only when
used, so `heatctl --help` stays fast. Register a new group in COMMAND_GROUPS.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from heatctl import __version__
from heatctl.context import AppContext
from heatctl.errors import ExitCode, HeatctlError, InvalidInput
from heatctl.settings import Settings, default_state_dir, resolve_color

# name -> (module, attribute, one-line help). Help is kept here so that listing the
# commands in `heatctl --help` imports none of them.
COMMAND_GROUPS: dict[str, tuple[str, str, str]] = {
    "stack": (
        "heatctl.commands.stack",
        "stack",
        "Create, inspect, change and delete stacks on a cloud (or the embedded sandbox).",
    ),
    "template": (
        "heatctl.commands.template",
        "template",
        "Validate, resolve and graph HOT and CFN templates, without a cloud.",
    ),
    "resource-type": (
        "heatctl.commands.resource_type",
        "resource_type",
        "List resource types and show their properties and attributes.",
    ),
    "translate": (
        "heatctl.commands.translate",
        "translate",
        "Translate CloudFormation or TOSCA to HOT.",
    ),
    "sandbox": ("heatctl.commands.sandbox", "sandbox", "Run the local sandbox OpenStack cloud."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_GROUPS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = COMMAND_GROUPS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute, _ = entry
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}.{attribute} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMAND_GROUPS[name][2]) for name in sorted(COMMAND_GROUPS)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


EPILOG = """\b
Exit codes: 0 ok, 1 operation failed, 2 usage error, 3 invalid template or input,
4 locked or conflict, 5 cloud or configuration error, 6 changes present
(preview --detailed-exitcode), 130 interrupted. See docs/exit-codes.md.
"""


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="heatctl")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour output. NO_COLOR and FORCE_COLOR are honoured with 'auto'.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Where stacks and tasks are stored [env: HEATCTL_STATE_DIR; default: $XDG_STATE_HOME/heatctl].",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, color: str, quiet: bool, state_dir: str | None) -> None:
    """heatctl: Heat orchestration templates, run from your own machine.

    Validate, translate and deploy HOT, CloudFormation and TOSCA templates against
    OpenStack, with state kept locally in SQLite.
    """
    from pathlib import Path

    settings = Settings(
        state_dir=Path(state_dir).expanduser() if state_dir else default_state_dir(),
        debug=debug,
        quiet=quiet,
        color=color,  # type: ignore[arg-type]
    )
    ctx.obj = AppContext(settings=settings)


def _report(error: HeatctlError, color: bool) -> None:
    label = click.style("error:", fg="red", bold=True) if color else "error:"
    diagnostics = getattr(error, "diagnostics", ()) if isinstance(error, InvalidInput) else ()
    if diagnostics:
        for diagnostic in diagnostics:
            line = diagnostic.format()
            if color:
                line = line.replace(": error:", ": " + label, 1)
            click.echo(line, err=True)
        click.echo(f"{error.message}", err=True)
    else:
        click.echo(f"{label} {error.message}", err=True)
    if error.hint:
        click.echo(f"hint: {error.hint}", err=True)


def _stderr_color(args: Sequence[str]) -> bool:
    """Whether errors are coloured: the same rule as the consoles (settings.resolve_color),
    read from the arguments because the Click context is gone when an error is reported."""
    mode = "auto"
    for i, arg in enumerate(args):
        if arg.startswith("--color="):
            mode = arg.partition("=")[2]
        elif arg == "--color" and i + 1 < len(args):
            mode = args[i + 1]
    forced = resolve_color(mode if mode in ("always", "never") else "auto")  # type: ignore[arg-type]
    return sys.stderr.isatty() if forced is None else forced


def main(argv: Sequence[str] | None = None) -> Any:
    """Console-script entry point: run the CLI and map every error to its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("HEATCTL_DEBUG"))
    try:
        result = cli.main(args=args, prog_name="heatctl", standalone_mode=False)
    except HeatctlError as error:
        if debug:
            raise
        _report(error, _stderr_color(args))
        sys.exit(int(error.exit_code))
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except click.ClickException as error:
        error.show()
        sys.exit(int(ExitCode.USAGE) if error.exit_code == 2 else error.exit_code)
    except BrokenPipeError:
        # Output piped into `head` and closed: not an error of ours.
        sys.stderr.close()
        sys.exit(int(ExitCode.OK))
    except Exception as error:  # a bug: say so plainly, keep the traceback behind --debug
        if debug:
            raise
        click.echo(
            f"internal error: {type(error).__name__}: {error}\n"
            "This is a bug in heatctl; run again with --debug for the traceback.",
            err=True,
        )
        sys.exit(int(ExitCode.FAILED))
    sys.exit(int(result) if isinstance(result, int) else 0)
