"""`heatctl template`: validate, resolve and graph templates without a cloud."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from heatctl.context import AppContext
from heatctl.errors import InvalidInput, UsageError

if TYPE_CHECKING:
    from heatctl.dsl.validate import Options

F = Callable[..., Any]


def template_inputs(func: F) -> F:
    """The options every template command shares: environments, parameters, files."""
    options = [
        click.argument("file", type=click.Path(dir_okay=False, path_type=Path)),
        click.option(
            "-e",
            "--environment",
            "environments",
            multiple=True,
            metavar="ENV",
            type=click.Path(path_type=Path),
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
        click.option(
            "--allow-file-root",
            "allow_roots",
            multiple=True,
            metavar="DIR",
            type=click.Path(file_okay=False, path_type=Path),
            help="Also allow get_file and provider templates under DIR.",
        ),
        click.option(
            "--var",
            "variables",
            multiple=True,
            metavar="NAME=VALUE",
            help="Jinja2 variable for *.j2.yaml templates.",
        ),
        click.option(
            "--var-file",
            "var_files",
            multiple=True,
            metavar="FILE",
            type=click.Path(dir_okay=False, path_type=Path),
            help="YAML/JSON mapping of Jinja2 variables.",
        ),
        click.option(
            "--max-template-size",
            type=click.IntRange(min=1),
            default=None,
            metavar="BYTES",
            help="Largest template or file read [default: 524288].",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _inputs(kwargs: dict[str, Any]) -> tuple[dict[str, str], dict[str, str], Options]:
    from heatctl.dsl.jinja import parse_variables
    from heatctl.dsl.loader import DEFAULT_MAX_BYTES
    from heatctl.dsl.parameters import ParameterValueError, parse_assignments
    from heatctl.dsl.validate import Options

    try:
        parameters = parse_assignments(kwargs["parameters"])
        files = parse_assignments(kwargs["parameter_files"])
    except ParameterValueError as exc:
        raise UsageError(f"-P/--parameter-file: {exc}") from None
    options = Options(
        allow_file_roots=tuple(kwargs["allow_roots"]),
        variables=parse_variables(kwargs["variables"], kwargs["var_files"]),
        max_template_size=kwargs["max_template_size"] or DEFAULT_MAX_BYTES,
    )
    return parameters, files, options


def _fail(diagnostics: Any, what: str) -> InvalidInput:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    return InvalidInput(f"{what}: {errors} error{'s' if errors != 1 else ''}", diagnostics)


@click.group("template")
def template() -> None:
    """Validate, resolve and graph HOT and CFN templates, without a cloud."""
    import gc

    # Large acyclic trees: reference counting frees them, and the cyclic collector would
    # only walk them again and again (see loader.gc_paused). Restored when the command ends.
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)


@template.command("validate")
@template_inputs
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def validate(app: AppContext, as_json: bool, **kwargs: Any) -> None:
    """Check FILE with its environments and parameters; report every problem at once.

    Prints `file:line:col: error: message` for each problem and exits 3 when the
    template is invalid; prints a short summary when it is valid.
    """
    from heatctl.dsl.validate import validate_file

    parameters, files, options = _inputs(kwargs)
    result = validate_file(kwargs["file"], kwargs["environments"], parameters, files, options)
    if as_json:
        app.emit_json(result.to_json())
        if not result.valid:
            raise click.exceptions.Exit(3)
        return
    for warning in (d for d in result.diagnostics if d.severity == "warning"):
        click.echo(warning.format(), err=True)
    if not result.valid:
        raise _fail([d for d in result.diagnostics if d.severity == "error"], "template invalid")
    click.echo(_summary_line(kwargs["file"], result.summary))


def _translated(summary: dict[str, Any]) -> str:
    source = summary.get("source_format")
    if source and source != summary.get("format"):
        return f", translated from {source.upper()}"
    return ""


def _summary_line(file: Path, summary: dict[str, Any]) -> str:
    line = (
        f"{file}: valid ({summary['version']}{_translated(summary)})\n"
        f"  resources: {summary['resources']}, parameters: {summary['parameters']},"
        f" outputs: {summary['outputs']}, graph depth: {summary['depth']}"
        f" (widest level: {summary['width']})"
    )
    if summary["providers"]:
        line += f"\n  provider templates: {', '.join(summary['providers'])}"
    if summary["parameters_without_value"]:
        line += f"\n  parameters without a value: {', '.join(summary['parameters_without_value'])}"
    return line


@template.command("resolve")
@template_inputs
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of YAML.")
@click.option(
    "--stack-name",
    metavar="NAME",
    help="Resolve OS::stack_name / AWS::StackName as NAME (left as written otherwise).",
)
def resolve(as_json: bool, stack_name: str | None, **kwargs: Any) -> None:
    """Print FILE with parameters, conditions and pure functions resolved.

    References to resources (get_resource, get_attr, Ref, Fn::GetAtt) stay as written.
    Hidden parameter values are never printed.
    """
    import dataclasses

    from heatctl.dsl.resolve import dump, resolve_file

    parameters, files, options = _inputs(kwargs)
    options = dataclasses.replace(options, stack_name=stack_name)
    result = resolve_file(kwargs["file"], kwargs["environments"], parameters, files, options)
    if not result.ok or result.document is None:
        raise _fail([d for d in result.diagnostics if d.severity == "error"], "template invalid")
    click.echo(dump(result.document, "json" if as_json else "yaml"), nl=False)


@template.command("graph")
@template_inputs
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tree", "dot", "mermaid", "json"]),
    default="tree",
    show_default=True,
    help="Output format.",
)
def graph(fmt: str, **kwargs: Any) -> None:
    """Print the dependency graph of FILE's resources, with depth and widest level.

    A dependency cycle is an error naming each resource of the cycle with its line.
    """
    from heatctl.dsl.validate import validate_file
    from heatctl.engine.graph import render

    parameters, files, options = _inputs(kwargs)
    result = validate_file(kwargs["file"], kwargs["environments"], parameters, files, options)
    if not result.valid or result.loaded.graph is None:
        raise _fail([d for d in result.diagnostics if d.severity == "error"], "template invalid")
    click.echo(render(result.loaded.graph, fmt), nl=False)
