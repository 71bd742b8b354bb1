"""Every TOSCA file of the shared corpus (heat-translator's and tosca-parser's test data)
either translates to HOT that reads back unchanged, or fails with exit code 3 and a
diagnostic naming the file, for the reason recorded in EXPECTED_FAILURES."""

from __future__ import annotations

from pathlib import Path

import pytest

from heatctl.dsl.loader import loads, plain
from heatctl.errors import InvalidInput
from heatctl.translate import translate_file
from heatctl.translate.hot_yaml import dump_hot
from tests.conftest import CORPUS, corpus_path

HT = "heat-translator/samples/tests/data/"
TP = "tosca-parser/samples/tests/data/"
ETSI_NOT_IMPORTED = "uses ETSI SOL001 types without importing their definitions (heatctl, like tosca-parser, builds in only the normative and NFV 1.0 profile types)"
OFFLINE = "imports a URL; heatctl translates offline and does not fetch it"
NOT_STANDALONE = "a definitions file meant to be imported, not translated on its own"

# path -> (category, text the first diagnostic must contain, reason). Categories:
# invalid (the sample is broken on purpose or by mistake), offline, not-standalone.
EXPECTED_FAILURES: dict[str, tuple[str, str, str]] = {
    HT + "csar_metadata_not_yaml.zip": (
        "invalid",
        "not in 'Key: value' form",
        "TOSCA.meta uses commas",
    ),
    HT + "csar_not_zip.zip": ("invalid", "must be a mapping", "not a zip archive (nor a template)"),
    HT + "csar_wordpress_invalid_import_path.zip": (
        "invalid",
        "is not in the archive",
        "imports a file the archive lacks",
    ),
    HT + "csar_wrong_metadata_file.zip": (
        "invalid",
        "must be named TOSCA-Metadata",
        "metadata directory misspelt TOSCA-metadate",
    ),
    HT + "etsi_nfv/etsi_nfv_sol001_vnfd_types.yaml": (
        "not-standalone",
        "unknown type 'tosca.nodes.nfv.Cp'",
        "needs etsi_nfv_sol001_common_types.yaml, which it does not import; the templates importing both translate",
    ),
    HT + "etsi_nfv/tosca_nfv_vdu_affinity_with_unsupported_scope.yaml": (
        "invalid",
        "duplicate key 'properties'",
        "a mapping repeats a key (YAML forbids it; PyYAML keeps the last)",
    ),
    HT + "network/test_tosca_custom_network_nodes_defs.yaml": (
        "not-standalone",
        "cannot tell the template format",
        NOT_STANDALONE + " (no tosca_definitions_version)",
    ),
    HT + "nfv/tacker_nfv_defs.yaml": (
        "invalid",
        "duplicate key 'type'",
        "a mapping repeats a key; as an import it is accepted with a report entry",
    ),
    HT + "tosca_helloworld_invalid.yaml": (
        "invalid",
        "cannot tell the template format",
        "misspelt tosca_definitions_version",
    ),
    HT + "tosca_single_instance_wordpress_with_local_abspath_import.yaml": (
        "invalid",
        "/tmp/wordpress.yaml",
        "imports an absolute path that does not exist here",
    ),
    HT + "tosca_single_instance_wordpress_with_url_import.yaml": ("offline", "is a URL", OFFLINE),
    TP + "CSAR/csar_invalid_entry_def.zip": (
        "invalid",
        "is not in the archive",
        "Entry-Definitions names a missing file",
    ),
    TP + "CSAR/csar_invalid_multilevel_imports_validation.zip": (
        "invalid",
        "unknown node type 'company.sample.VNF'",
        "the VNF type is defined nowhere",
    ),
    TP + "CSAR/csar_metadata_not_yaml.zip": (
        "invalid",
        "not in 'Key: value' form",
        "TOSCA.meta uses commas",
    ),
    TP + "CSAR/csar_missing_metadata.zip": (
        "invalid",
        "no Entry-Definitions (found 'Entry-Definition')",
        "misspelt Entry-Definitions",
    ),
    TP + "CSAR/csar_not_zip.zip": ("invalid", "must be a mapping", "not a zip archive"),
    TP + "CSAR/csar_root_level_yaml.zip": (
        "invalid",
        "unknown node type 'tosca.nodes.nfv.Vdu.Compute'",
        ETSI_NOT_IMPORTED,
    ),
    TP + "CSAR/csar_root_level_yaml_and_tosca_metadata.zip": (
        "invalid",
        "unknown node type 'tosca.nodes.nfv.Vdu.Compute'",
        ETSI_NOT_IMPORTED,
    ),
    TP + "CSAR/csar_root_yaml_with_tosca_definition1_0.zip": (
        "invalid",
        "unknown node type 'company.sample.VNF'",
        "the VNF type is defined nowhere",
    ),
    TP + "CSAR/csar_two_root_level_yaml.zip": (
        "invalid",
        "cannot tell which is the entry",
        "no metadata and two root YAML files",
    ),
    TP + "CSAR/csar_valid_multilevel_imports_validation.zip": (
        "invalid",
        "unknown node type 'company.sample.VNF'",
        "company.sample.VNF is defined nowhere in the archive (tosca-parser's test checks only the imports)",
    ),
    TP + "CSAR/csar_wordpress_invalid_artifact.zip": (
        "invalid",
        "is not in the CSAR archive",
        "an implementation script is missing from the archive",
    ),
    TP + "CSAR/csar_wordpress_invalid_artifact_multi.zip": (
        "invalid",
        "is not in the CSAR archive",
        "an artifact is missing from the archive",
    ),
    TP + "CSAR/csar_wordpress_invalid_import_path.zip": (
        "invalid",
        "is not in the archive",
        "imports a file the archive lacks",
    ),
    TP + "CSAR/csar_wordpress_invalid_import_url.zip": ("offline", "is a URL", OFFLINE),
    TP + "CSAR/csar_wordpress_invalid_script_path.zip": (
        "invalid",
        "is not in the CSAR archive",
        "an implementation script is missing from the archive",
    ),
    TP + "CSAR/csar_wordpress_with_url_import_and_script.zip": ("offline", "is a URL", OFFLINE),
    TP + "CSAR/csar_wrong_metadata_file.zip": (
        "invalid",
        "must be named TOSCA-Metadata",
        "metadata directory misspelt",
    ),
    TP + "CSAR/multi_level_imports_response.yaml": (
        "not-standalone",
        "not found",
        "a member of a CSAR whose imports resolve inside the archive",
    ),
    TP + "CSAR/root_level_file.yaml": (
        "invalid",
        "unknown node type 'tosca.nodes.nfv.Vdu.Compute'",
        ETSI_NOT_IMPORTED,
    ),
    TP + "CSAR/tosca_meta_file.yaml": (
        "invalid",
        "unknown node type 'tosca.nodes.nfv.Vdu.Compute'",
        ETSI_NOT_IMPORTED,
    ),
    TP + "custom_types/custom_relationship_type_defs.yaml": (
        "not-standalone",
        "cannot tell the template format",
        NOT_STANDALONE + " (no tosca_definitions_version)",
    ),
    TP + "custom_types/imported_sample.yaml": (
        "invalid",
        "tosca_simple_yaml_1_10",
        "unknown definitions version",
    ),
    TP + "custom_types/invalid_template_version.yaml": (
        "invalid",
        "tosca_simple_yaml_XXX",
        "unknown definitions version",
    ),
    TP + "datatypes/test_custom_datatypes_value_error.yaml": (
        "invalid",
        "is not a valid",
        "a data type field holds a list where a string is declared",
    ),
    TP + "functions/test_concat_invalid.yaml": (
        "invalid",
        "concat needs",
        "concat without arguments",
    ),
    TP + "functions/test_get_attribute_host_not_found.yaml": (
        "invalid",
        "not hosted on anything",
        "HOST on a node without a host",
    ),
    TP + "functions/test_get_attribute_illegal_host_in_outputs.yaml": (
        "invalid",
        "HOST is not defined here",
        "HOST in an output",
    ),
    TP + "functions/test_get_attribute_unknown_node_template_name.yaml": (
        "invalid",
        "does not exist",
        "unknown node template",
    ),
    TP + "functions/test_invalid_input.yaml": ("invalid", "is not defined", "unknown input"),
    TP + "functions/test_token_invalid.yaml": (
        "invalid",
        "token needs",
        "token with two arguments",
    ),
    TP + "functions/test_unknown_input_in_interface.yaml": (
        "invalid",
        "is not defined",
        "unknown input",
    ),
    TP + "functions/test_unknown_input_in_property.yaml": (
        "invalid",
        "is not defined",
        "unknown input",
    ),
    TP + "policies/tacker_nfv_defs.yaml": (
        "invalid",
        "duplicate key 'type'",
        "a mapping repeats a key; as an import it is accepted with a report entry",
    ),
    TP + "policies/test_policies_without_required_property.yaml": (
        "invalid",
        "requires property 'increment'",
        "a scaling policy lacks its required increment",
    ),
    TP + "repositories/test_repositories_definition.yaml": (
        "offline",
        "from repository",
        "imports from a repository URL",
    ),
    TP + "repositories/tosca_repositories_test_definition.yaml": (
        "offline",
        "from repository",
        "imports from a repository URL",
    ),
    TP + "test_attributes_inheritance.yaml": (
        "invalid",
        "is not a valid integer",
        "an integer property holds `yes`, a YAML boolean (tosca-parser accepts it because Python's bool is an int)",
    ),
    TP + "test_invalid_input_defaults.yaml": (
        "invalid",
        "is not a valid integer",
        "an integer input defaults to 'two'",
    ),
    TP + "test_invalid_section_names.yaml": (
        "invalid",
        "cannot tell the template format",
        "misspelt section names",
    ),
    TP + "test_invalid_template_version.yaml": (
        "invalid",
        "tosca_xyz",
        "unknown definitions version",
    ),
    TP + "test_multiple_validation_errors.yaml": (
        "invalid",
        "not found",
        "imports a missing file (and more)",
    ),
    TP + "test_scalar_unit_without_unit.yaml": (
        "invalid",
        "is not a scalar-unit.size",
        "a size without a unit",
    ),
    TP + "test_tosca_top_level_error1.yaml": (
        "invalid",
        "cannot tell the template format",
        "misspelt tosca_definitions_version",
    ),
    TP + "test_tosca_top_level_error2.yaml": (
        "invalid",
        "did you mean 'node_templates'",
        "misspelt node_templates",
    ),
    TP + "tosca_imports_validation.yaml": (
        "invalid",
        "tosca1_definitions_version",
        "an import has a misspelt version key",
    ),
    TP + "tosca_single_instance_wordpress_with_local_abspath_import.yaml": (
        "invalid",
        "not found",
        "imports an absolute path that does not exist here",
    ),
    TP + "tosca_single_instance_wordpress_with_url_import.yaml": ("offline", "is a URL", OFFLINE),
}


def _corpus_files() -> list[str]:
    root = CORPUS / "tosca"
    if not root.exists():
        return []
    files = [
        p
        for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml", ".zip", ".csar")
        and "hot_output" not in p.parts
        and "toscaparser" not in p.parts
    ]
    return sorted(str(p.relative_to(root)) for p in files)


FILES = _corpus_files()


@pytest.mark.parametrize("relative", FILES)
def test_corpus_file(relative: str) -> None:
    path = corpus_path("tosca", relative)
    expected = EXPECTED_FAILURES.get(relative)
    try:
        translation = translate_file(path)
    except InvalidInput as error:
        assert expected is not None, (
            f"unexpected failure: {[d.format() for d in error.diagnostics]}"
        )
        first = error.diagnostics[0]
        assert expected[1] in first.message, first.format()
        assert first.file and Path(first.file.split("!")[0]).name, first.format()
        return
    assert expected is None, f"translates now; remove it from EXPECTED_FAILURES ({expected[2]})"
    text = dump_hot(translation.hot)
    assert plain(loads(text)) == translation.hot
    for nested in translation.nested.values():
        assert plain(loads(dump_hot(nested))) == nested


def corpus_counts() -> dict[str, tuple[int, int]]:
    """(translated, total) per corpus, and over tosca-parser's valid samples (for the docs)."""
    counts: dict[str, tuple[int, int]] = {}
    for prefix, label in ((HT, "heat-translator"), (TP, "tosca-parser")):
        files = [f for f in FILES if f.startswith(prefix)]
        failed = [f for f in files if f in EXPECTED_FAILURES]
        invalid = [f for f in failed if EXPECTED_FAILURES[f][0] == "invalid"]
        counts[label] = (len(files) - len(failed), len(files))
        counts[label + " without invalid samples"] = (
            len(files) - len(failed),
            len(files) - len(invalid),
        )
    return counts


def test_every_expected_failure_is_a_corpus_file() -> None:
    if not FILES:
        pytest.skip("shared corpus not found")
    assert sorted(set(EXPECTED_FAILURES) - set(FILES)) == []
