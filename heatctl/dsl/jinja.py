"""`*.j2.yaml` templates: rendered with Jinja2 before they are loaded as YAML.

Rendering is sandboxed (`jinja2.sandbox.SandboxedEnvironment`: no attribute access to
Python internals) with `StrictUndefined` (a variable that was not given is an error, not
an empty string). Variables come from `--var name=value` and `--var-file FILE` (a YAML or
JSON mapping, loaded safely); `--var` wins. `{% include %}` reads only files under the
template's own directory.

Errors become diagnostics with the template's file and the line Jinja reports.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from heatctl.dsl.diagnostics import Diagnostic
from heatctl.errors import InvalidInput

SUFFIXES = (".j2.yaml", ".j2.yml", ".j2.json", ".j2.template")


def is_jinja(path: str | Path) -> bool:
    """True when the file name marks a Jinja2 template (`*.j2.yaml` and friends)."""
    return str(path).endswith(SUFFIXES)


class TemplateRenderError(InvalidInput):
    """A Jinja2 template could not be rendered."""


def _error(message: str, file: str, line: int | None) -> TemplateRenderError:
    return TemplateRenderError(f"cannot render {file}", [Diagnostic(message, file, line)])


def _runtime_line(template_name: str) -> int | None:
    """The template line of the innermost frame of the exception being handled."""
    tb = sys.exc_info()[2]
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == template_name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_file(path: Path, variables: Mapping[str, Any], display_name: str | None = None) -> str:
    """The rendered text of the Jinja2 template at `path`."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    name = display_name or str(path)
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(path.resolve().parent)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    try:
        template = env.get_template(path.name)
        return template.render(**variables)
    except jinja2.TemplateSyntaxError as exc:
        raise _error(f"Jinja2 syntax error: {exc.message}", name, exc.lineno) from None
    except jinja2.UndefinedError as exc:
        raise _error(
            f"undefined variable: {exc.message} (pass it with --var)",
            name,
            _runtime_line(str(path.resolve())),
        ) from None
    except SecurityError as exc:
        raise _error(
            f"refused by the Jinja2 sandbox: {exc}", name, _runtime_line(str(path.resolve()))
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise _error(f"included template not found: {exc.name}", name, None) from None
    except jinja2.TemplateError as exc:
        raise _error(f"Jinja2 error: {exc}", name, _runtime_line(str(path.resolve()))) from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        line = _runtime_line(str(path.resolve()))
        raise _error(f"error while rendering: {exc}", name, line) from None


def parse_variables(pairs: Sequence[str], files: Sequence[str | Path] = ()) -> dict[str, Any]:
    """Variables from --var-file files (in order), then --var name=value pairs."""
    from heatctl.dsl.loader import load_file

    found: dict[str, Any] = {}
    for file in files:
        data = load_file(file, expect=dict, what="variables file")
        found.update(data)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InvalidInput(f"--var expects name=value, got {pair!r}")
        found[name] = value
    return found
