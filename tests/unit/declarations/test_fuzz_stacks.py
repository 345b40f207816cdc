"""Whatever a platform engineer commits as a stack file, `meshplane validate --stack` ends in exit 0, or in exit 1 with
every problem a located `path:line: error:` line: never a traceback, never an internal error. Whatever command line
is typed ends the same way, or in exit 2 for a usage error. So does whatever the federation writes in its file: every
stack key and every federation key (found from their models, so a new key is fuzzed too) takes any value.

Each example writes `stacks/Pulumi.fuzz.yaml`, the only stack of one temporary copy of the sample project (its domains and
governance), so a stack file that reads clean goes on through every check of validate, and runs the command in this
process, as the tests of the CLI do."""

from __future__ import annotations

import contextlib
import copy
import io
import re
import shutil
import typing
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meshplane import cli
from meshplane.declarations.federation import Federation
from meshplane.declarations.spec import Spec
from meshplane.declarations.stack import SETTING_KEYS

ROOT = Path(__file__).resolve().parents[3]
FUZZ = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_EACH = settings(FUZZ, max_examples=12)  # per key: every key of the stack's and the federation's files
SAMPLES = sorted(p.name for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
KEYS = [f"meshplane:{k}" for k in SETTING_KEYS] + ["pulumi:disable-default-providers", "aws:region", "domains", "meshplane:domain"]

LOCATED = re.compile(r"^\S[^\n]*:[0-9]+: (?:[A-Z]+-[0-9]{3} )?(?:error|warning|note): \S.*$")
SUMMARY = re.compile(r"^[0-9]+ (?:problem\(s\) found|governance finding\(s\): [0-9]+ mandatory, [0-9]+ advisory)$")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the sample project without its stacks: what `validate` reads, and nothing it does not."""
    root = tmp_path_factory.mktemp("fuzz") / "project"
    root.mkdir()
    shutil.copy(ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
    for folder in ("domains", "governance"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "stacks").mkdir()
    return root


def validate(project: Path, raw: bytes) -> tuple[int, str, str]:
    """`meshplane validate --stack fuzz` with `raw` as the stack's file: its exit status, stdout and stderr."""
    (project / "stacks" / "Pulumi.fuzz.yaml").write_bytes(raw)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(project), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["validate", "--stack", "fuzz"])
    return code, out.getvalue(), err.getvalue()


def check(project: Path, raw: bytes) -> tuple[int, str]:
    """Run the command on `raw` and hold it to the contract: exit 0, or exit 1 with every problem located. Its exit
    status and stderr."""
    code, out, err = validate(project, raw)
    assert "Traceback" not in out + err, err
    assert code in (0, 1), f"exit {code}: {err}"
    lines = err.splitlines()
    for line in lines:
        assert LOCATED.match(line) or SUMMARY.match(line), f"not a located problem: {line!r}"
    errors = [line for line in lines if re.search(r"\berror\b", line)]
    assert all(LOCATED.match(line) for line in errors), errors
    if code == 1:
        assert errors, err
    return code, err


# YAML-ish text: the characters YAML gives meaning to, so the parser goes down many paths
yamlish = st.text(alphabet=st.sampled_from(list("ab01 -:#&*!|>[]{},?'\"\n\t%@`~<=.\\xc\u00e9\ufeff\x00")), max_size=160)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12), st.sampled_from(KEYS))
structures = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def sample(name: str) -> dict:
    return yaml.safe_load((ROOT / "stacks" / name).read_text())


@pytest.mark.slow
@FUZZ
@given(yamlish)
def test_yamlish_text(project, text):
    check(project, text.encode("utf-8", "surrogatepass"))
    check(project, ("config:\n  " + text).encode("utf-8", "surrogatepass"))


@pytest.mark.slow
@FUZZ
@given(st.binary(max_size=200))
def test_arbitrary_bytes(project, raw):
    check(project, raw)


@pytest.mark.slow
@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=10), structures, max_size=6), st.sampled_from(("config", "Config", "confg")))
def test_generated_config(project, config, top):
    check(project, yaml.safe_dump({top: config}, allow_unicode=True).encode())


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(SAMPLES), st.data())
def test_one_setting_of_a_sample_stack_replaced_or_dropped(project, name, data):
    config = sample(name)["config"]
    key = data.draw(st.sampled_from(sorted(config)))
    if data.draw(st.booleans()):
        config[key] = data.draw(structures)
    else:
        del config[key]
    check(project, yaml.safe_dump({"config": config}, allow_unicode=True, sort_keys=False).encode())


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(SAMPLES), st.data())
def test_lines_of_a_sample_stack_shuffled_and_cut(project, name, data):
    lines = (ROOT / "stacks" / name).read_bytes().splitlines(keepends=True)
    kept = data.draw(st.lists(st.sampled_from(lines), max_size=len(lines) + 2))
    check(project, b"".join(kept) + data.draw(st.binary(max_size=6)))


WORDS = ["validate", "quotas", "graph", "stacks", "codeowners", "--check", "--env", "--stack", "--domain", "--format", "--json",
         "--base", "--changed", "dev", "prod", "local", "staging", "prod-podcasts", "fuzz", "users", "podcasts", "json", "text",
         "sarif", "github", "mermaid", "--domains", "--federation", "domains", "nowhere", "-"]


@pytest.mark.slow
@FUZZ
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), min_size=1, max_size=6), st.sampled_from(SAMPLES))
def test_command_lines(project, argv, name):
    """Any command line over a sample stack: exit 0, 1 with located problems, or 2 for a usage error; never a traceback."""
    (project / "stacks" / "Pulumi.fuzz.yaml").write_bytes((ROOT / "stacks" / name).read_bytes())
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(project), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as usage:  # argparse: the usage and the error, exit 2
            code = usage.code
    assert "Traceback" not in out.getvalue() + err.getvalue()
    assert code in (0, 1, 2), f"exit {code}: {err.getvalue()}"
    if code == 1:
        lines = [line for line in err.getvalue().splitlines() if re.search(r"\berror\b", line)]
        assert lines and all(LOCATED.match(line) for line in lines), err.getvalue()


# values a setting of each kind is written with, right or nearly: accounts, roles, quotas, regular expressions
ACCOUNT = st.sampled_from(["123456789012", "210987654321", "333333333333", "12345", "", "1234567890123"])
ROLE = st.builds(lambda a, n: f"arn:aws:iam::{a}:role/{n}", ACCOUNT, st.sampled_from(["meshplane-deployer", "other", "a/b", ""]))
DOMAIN = st.sampled_from(["users", "podcasts", "artists", "playlists", "user", "Users", "nobody", ""])
QUOTA_ID = st.sampled_from(["iam.roles", "s3.buckets", "s3.access-points", "kms.keys", "iam.role", ""])
ACCOUNTS = st.dictionaries(DOMAIN, st.fixed_dictionaries({"accountId": ACCOUNT, "roleArn": ROLE}, optional={"quotas": st.dictionaries(QUOTA_ID, st.integers(-1, 20000), max_size=2)}), max_size=3)
REGEX = st.sampled_from(["^[a-z((", "(?P<x", "*", "a{2,1}", "\\", "^[a-z]+$", "(?<=a+)b", "[z-a]"])
SETTING_VALUES = {
    "accounts": ACCOUNTS,
    "quotas": st.dictionaries(QUOTA_ID, st.integers(-1, 20000) | st.floats(), max_size=3),
    "domains": st.lists(DOMAIN, max_size=3),
    "excludeDomains": st.lists(DOMAIN, max_size=3),
    "accountId": ACCOUNT,
    "awsEndpoint": st.sampled_from(["http://127.0.0.1:5000", "http://127.0.0.1:99999", "https://x/", "ftp://x", "http://"]),
}


@pytest.mark.slow
@FUZZ_EACH
@pytest.mark.parametrize("key", SETTING_KEYS)
@given(data=st.data())
def test_every_stack_key_takes_any_value(project, key, data):
    """Each key of the local sample stack (two accounts) set to anything, or to a value near a right one."""
    config = sample("Pulumi.local.yaml")["config"]
    config[f"meshplane:{key}"] = data.draw(SETTING_VALUES.get(key, st.nothing()) | structures)
    check(project, yaml.safe_dump({"config": config}, allow_unicode=True, sort_keys=False).encode())


def federation_paths(model: type[Spec] = Federation, written: object = None, prefix: tuple = ()) -> list[tuple]:
    """Every key of the federation's file, from its model: a mapping of models is entered through a key the sample
    writes (or a made-up one)."""
    written = written if isinstance(written, dict) else {}
    found = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        path = (*prefix, key)
        found.append(path)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, Spec):
            found += federation_paths(annotation, written.get(key), path)
        elif typing.get_origin(annotation) is dict and isinstance(value := typing.get_args(annotation)[1], type) and issubclass(value, Spec):
            inner = written.get(key) if isinstance(written.get(key), dict) else {}
            first = next(iter(inner), "made-up")
            found += federation_paths(value, inner.get(first), (*path, first))
    return found


SAMPLE_FEDERATION = yaml.safe_load((ROOT / "governance" / "federation.yaml").read_text())
FEDERATION_PATHS = federation_paths(Federation, SAMPLE_FEDERATION)


def test_the_federation_fuzz_reaches_every_key():
    assert ("naming", "column_pattern") in FEDERATION_PATHS and ("images", "immutable_tag_pattern") in FEDERATION_PATHS
    assert ("classifications", "public", "retention", "min_days") in FEDERATION_PATHS and ("rules", "MESH-005", "environments") in FEDERATION_PATHS
    assert {p[0] for p in FEDERATION_PATHS} == {f.alias or n for n, f in Federation.model_fields.items()}


@pytest.mark.slow
@FUZZ_EACH
@pytest.mark.parametrize("path", FEDERATION_PATHS, ids=".".join)
@given(data=st.data())
def test_every_federation_key_takes_any_value(project, path, data):
    """Each key of the sample federation's file set to anything (a regular expression or not), over a sample stack."""
    federation = copy.deepcopy(SAMPLE_FEDERATION)
    inside = federation
    for key in path[:-1]:
        inside = inside.setdefault(key, {})  # the sample writes a mapping at every key above a leaf
    inside[path[-1]] = data.draw(REGEX | structures | st.integers(-5, 4000))
    file = project / "governance" / "federation.yaml"
    kept = file.read_bytes()
    try:
        modeline = kept.decode().splitlines(keepends=True)[0]
        assert modeline.startswith("# yaml-language-server: $schema=")
        file.write_text(modeline + yaml.safe_dump(federation, allow_unicode=True, sort_keys=False))
        check(project, (ROOT / "stacks" / "Pulumi.prod.yaml").read_bytes())
    finally:
        file.write_bytes(kept)


@pytest.mark.parametrize("pattern", ["\x1e", "^a\u2028b$"], ids=["record-separator", "line-separator"])
def test_a_pattern_holding_a_line_break_is_quoted_on_one_line(project, pattern):
    """Found by the fuzz: a column pattern of one record separator was quoted raw, and the finding split in two lines."""
    file = project / "governance" / "federation.yaml"
    kept = file.read_bytes()
    try:
        federation = copy.deepcopy(SAMPLE_FEDERATION)
        federation["naming"]["column_pattern"] = pattern
        modeline = kept.decode().splitlines(keepends=True)[0]
        file.write_text(modeline + yaml.safe_dump(federation, allow_unicode=True, sort_keys=False))
        code, err = check(project, (ROOT / "stacks" / "Pulumi.prod.yaml").read_bytes())
        assert code == 1 and "MESH-011" in err, err
        assert pattern.encode("unicode_escape").decode() in err
    finally:
        file.write_bytes(kept)


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_stack_as_it_stands_passes(project, name):
    """The fuzz starts from stack files that pass: each of the sample's, as the project's only stack."""
    code, err = check(project, (ROOT / "stacks" / name).read_bytes())
    assert code == 0, err


def test_a_typo_in_a_key_of_a_sample_stack_fails_at_its_line(project):
    text = (ROOT / "stacks" / "Pulumi.prod-podcasts.yaml").read_text().replace("meshplane:domains:", "meshplane:domain:")
    code, err = check(project, text.encode())
    assert code == 1
    assert "stacks/Pulumi.fuzz.yaml:4: error: unknown key 'meshplane:domain' (did you mean 'meshplane:domains'?)" in err.splitlines()
