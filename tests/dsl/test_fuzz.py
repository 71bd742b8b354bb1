"""Property test: random and mutated templates never crash `template validate`.

Whatever the input, the command exits 0 (valid) or 3 (invalid, with diagnostics), and
never prints a traceback or an internal error.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heatctl.cli import main
from tests.conftest import CORPUS, ROOT

SEEDS = [
    ROOT / "examples" / "web.yaml",
    *sorted((Path(__file__).parent / "fixtures" / "errors").glob("*")),
]
_CORPUS_SEEDS = [
    "heat-templates/hot/servers_in_new_neutron_net.yaml",
    "heat-templates/hot/autoscaling.yaml",
    "heat-templates/cfn/F17/WordPress_Single_Instance.template",
    "heat-integration/heat_integrationtests/functional/test_conditions/cfn_template.yaml",
    "heat-integration/heat_integrationtests/functional/test_conditions/hot_template.yaml",
]
SEEDS += [CORPUS / s for s in _CORPUS_SEEDS if (CORPUS / s).is_file()]
SEED_TEXTS = [p.read_text() for p in SEEDS]

WORDS = [
    "heat_template_version",
    "2013-05-23",
    "2016-10-14",
    "2021-04-16",
    "AWSTemplateFormatVersion",
    "description",
    "parameters",
    "resources",
    "outputs",
    "conditions",
    "parameter_groups",
    "type",
    "properties",
    "depends_on",
    "condition",
    "value",
    "default",
    "hidden",
    "constraints",
    "get_param",
    "get_resource",
    "get_attr",
    "get_file",
    "str_replace",
    "list_join",
    "if",
    "equals",
    "not",
    "repeat",
    "Ref",
    "Fn::GetAtt",
    "Fn::Join",
    "OS::Nova::Server",
    "OS::Neutron::Net",
    "OS::Heat::RandomString",
    "x.yaml",
    "../x",
    "http://a/b",
    "a",
    "b",
]


def run_validate(path: Path, *extra: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main(["template", "validate", str(path), *extra])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue() + err.getvalue()


def check(tmp_dir: Path, text: str, suffix: str = ".yaml", env: str | None = None) -> None:
    path = tmp_dir / f"fuzz{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    extra: list[str] = []
    if env is not None:
        (tmp_dir / "env.yaml").write_text(env, encoding="utf-8", errors="surrogatepass")
        extra = ["-e", str(tmp_dir / "env.yaml"), "-P", "flavor=m1.fuzz"]
    code, output = run_validate(path, *extra)
    assert code in (0, 3), output
    assert "Traceback" not in output and "internal error" not in output, output


ENV_TEXT = (ROOT / "examples" / "env.yaml").read_text()
WEB_TEXT = (ROOT / "examples" / "web.yaml").read_text()


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str] | None = None) -> str:
    lines = draw(st.sampled_from(seeds or SEED_TEXTS)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "word", "indent", "junk"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "word":
            words = lines[index].split(" ")
            spot = draw(st.integers(0, len(words) - 1))
            words[spot] = draw(st.sampled_from(WORDS))
            lines[index] = " ".join(words)
        elif action == "indent":
            lines[index] = " " * draw(st.integers(0, 6)) + lines[index].lstrip()
        else:
            cut = draw(st.integers(0, len(lines[index])))
            junk = draw(st.text(max_size=5))
            lines[index] = lines[index][:cut] + junk + lines[index][cut:]
    return "\n".join(lines) + "\n"


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(WORDS), st.text(max_size=6)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(WORDS), inner, max_size=3),
    ),
    max_leaves=12,
)
_hot = st.fixed_dictionaries(
    {"heat_template_version": st.sampled_from(["2013-05-23", "2016-10-14", "2021-04-16"])},
    optional={
        "parameters": st.dictionaries(st.sampled_from(["a", "b"]), _values, max_size=2),
        "resources": st.dictionaries(st.sampled_from(["a", "b", "c"]), _values, max_size=3),
        "outputs": st.dictionaries(st.sampled_from(["a", "b"]), _values, max_size=2),
        "conditions": st.dictionaries(st.sampled_from(["a", "b"]), _values, max_size=2),
    },
)
_cfn = st.fixed_dictionaries(
    {"AWSTemplateFormatVersion": st.just("2010-09-09")},
    optional={
        "Parameters": st.dictionaries(st.sampled_from(["A", "B"]), _values, max_size=2),
        "Mappings": st.dictionaries(st.sampled_from(["M"]), _values, max_size=1),
        "Resources": st.dictionaries(st.sampled_from(["A", "B", "C"]), _values, max_size=3),
        "Outputs": st.dictionaries(st.sampled_from(["A", "B"]), _values, max_size=2),
        "Conditions": st.dictionaries(st.sampled_from(["A", "B"]), _values, max_size=2),
    },
)
templates = st.one_of(_hot, _cfn)

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@FUZZ
@given(text=mutated())
def test_mutated_templates_never_crash(tmp_path_factory, text):
    check(tmp_path_factory.mktemp("mutated"), text)


@FUZZ
@given(doc=templates, as_json=st.booleans())
def test_random_templates_never_crash(tmp_path_factory, doc, as_json):
    text = json.dumps(doc) if as_json else yaml.safe_dump(doc)
    check(tmp_path_factory.mktemp("random"), text, ".json" if as_json else ".yaml")


@settings(max_examples=20, deadline=None, database=None)
@given(env=mutated([ENV_TEXT]))
def test_mutated_environments_never_crash(tmp_path_factory, env):
    check(tmp_path_factory.mktemp("env"), WEB_TEXT, env=env)
