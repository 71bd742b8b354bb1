"""`heatctl translate`: CloudFormation or TOSCA to HOT."""

from __future__ import annotations

from pathlib import Path

import click

from heatctl.context import AppContext
from heatctl.errors import UsageError


def _parse_inputs(values: tuple[str, ...]) -> dict[str, str]:
    inputs: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--input expects name=value, got '{item}'")
        inputs[name] = value
    return inputs


def _connect(name: str | None) -> object:
    """An openstacksdk Connection to the selected cloud (exit 5 when it cannot be used)."""
    import openstack
    from keystoneauth1 import exceptions as auth_exceptions
    from openstack import exceptions

    from heatctl.errors import CloudError

    try:
        connection = openstack.connect(cloud=name)
        connection.authorize()
    except (exceptions.SDKException, auth_exceptions.ClientException, OSError) as error:
        raise CloudError(f"cannot use the cloud for --cloud-catalog: {error}") from None
    return connection


@click.command("translate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "from_",
    default="auto",
    show_default=True,
    metavar="auto|cfn|tosca|PLUGIN",
    help="Source format: auto detects it; cfn, tosca, or a plug-in translator's name.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the HOT template here (nested templates go next to it) instead of stdout.",
)
@click.option(
    "-P",
    "--input",
    "inputs",
    multiple=True,
    metavar="NAME=VALUE",
    help="An input (TOSCA) or parameter (CFN) value; repeatable.",
)
@click.option(
    "--report",
    is_flag=True,
    help="List every construct not translated or translated approximately, with file:line, on stderr.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail with exit code 3 if the report has any untranslated or approximate entry.",
)
@click.option(
    "--cloud-catalog",
    is_flag=True,
    help="Choose flavors and images from the cloud (OS_CLOUD / clouds.yaml) instead of the default tables.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print {"hot": ..., "nested": ..., "report": [...]} as JSON.',
)
@click.pass_obj
def translate(
    app: AppContext,
    file: Path,
    from_: str,
    output: Path | None,
    inputs: tuple[str, ...],
    report: bool,
    strict: bool,
    cloud_catalog: bool,
    as_json: bool,
) -> None:
    """Translate a CloudFormation or TOSCA template (YAML, JSON or CSAR zip) to HOT.

    Exit codes: 0 translated; 2 bad usage (for example nested templates but no -o);
    3 invalid source, or --strict with anything untranslated or approximate.
    """
    import gc

    # As `heatctl template` does: the imports and the translation build acyclic trees that
    # reference counting frees; the cyclic collector would only walk the whole heap (click,
    # PyYAML, the translator modules) again and again, ~5 ms of a one-file run. Restored when
    # the command ends.
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)
    from heatctl.translate import (
        BUILT_IN,
        TranslateOptions,
        translate_file,
        translator,
        translators,
    )
    from heatctl.translate.output import emit_translation

    if from_ != "auto" and from_ not in BUILT_IN and translator(from_) is None:
        installed = ", ".join(["auto", *sorted(translators())])
        raise UsageError(f"--from {from_}: no such translator (installed: {installed})")

    cloud = _connect(app.settings.os_cloud) if cloud_catalog else None
    options = TranslateOptions(strict=strict, cloud=cloud)
    result = translate_file(file, from_, _parse_inputs(inputs), options)
    emit_translation(app, result, output=output, report=report, strict=strict, as_json=as_json)
