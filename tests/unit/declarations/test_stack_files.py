"""Stack files are validated like domain files: valid / invalid pairs, each problem one located line.

Each case writes a project (a small mesh of users and podcasts, and stack files) twice: valid, where every stack
reads clean, and broken, where reading the stacks reports exactly the expected lines.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from meshkit import MeshFiles

from meshplane import cli
from meshplane.declarations.deployments import project_problems, read_all
from meshplane.declarations.problems import MeshError
from meshplane.declarations.stack import StackSettings, read_stack, settings_from, stack_file
from meshplane.registrations.project import open_project

BASE = """\
config:
  meshplane:environment: prod
  meshplane:accountId: "333333333333"
  meshplane:region: eu-west-1
  meshplane:namePrefix: daff-prod
  meshplane:cluster: daff-prod-data
  meshplane:deployerRoleArn: "arn:aws:iam::333333333333:role/meshplane-deployer"
"""
PROD = "stacks/Pulumi.prod.yaml"

Case = Callable[[Path, bool], list[str]]
CASES: dict[str, Case] = {}


def case(fn: Case) -> Case:
    CASES[fn.__name__] = fn
    return fn


def write(root: Path, name: str, text: str) -> None:
    (root / "stacks").mkdir(exist_ok=True)
    (root / "stacks" / f"Pulumi.{name}.yaml").write_text(text)


def prod(root: Path, broken: bool, good: str, bad: str) -> None:
    """The prod stack with `good` lines appended, or `bad` ones when broken (from line 8)."""
    write(root, "prod", BASE + (bad if broken else good))


@case
def malformed_yaml(root, broken):
    prod(root, broken, "", "  meshplane:domains: [users\n")
    return [f"{PROD}:9: error: malformed YAML: did not find expected ',' or ']'"]


@case
def duplicate_yaml_key(root, broken):
    prod(root, broken, "", "  meshplane:region: eu-west-2\n")
    return [f"{PROD}:8: error: duplicate key 'meshplane:region'"]


@case
def not_a_mapping(root, broken):
    write(root, "prod", "- config\n" if broken else BASE)
    return [f"{PROD}:1: error: expected a mapping with a `config` mapping, got a list"]


@case
def config_not_a_mapping(root, broken):
    write(root, "prod", "config: [meshplane:environment]\n" if broken else BASE)
    return [f"{PROD}:1: error: config: expected a mapping of `namespace:key: value`, got a list"]


@case
def unknown_top_level_key(root, broken):
    write(root, "prod", BASE.replace("config:", "confg:") if broken else BASE)
    return [f"{PROD}:1: error: unknown key 'confg' (did you mean 'config'?) (a stack file holds config, environment, secretsprovider, encryptedkey, encryptionsalt)"]


@case
def unknown_meshplane_key(root, broken):
    prod(root, broken, "  meshplane:domains: [users]\n", "  meshplane:domain: [users]\n")
    return [f"{PROD}:8: error: unknown key 'meshplane:domain' (did you mean 'meshplane:domains'?)"]


@case
def unknown_key_of_the_project_without_namespace(root, broken):
    # a key without a namespace is the project's: `domain` is `meshplane:domain`
    prod(root, broken, "  domains: [users]\n", "  domain: [users]\n")
    return [f"{PROD}:8: error: unknown key 'meshplane:domain' (did you mean 'meshplane:domains'?)"]


@case
def set_twice_with_and_without_namespace(root, broken):
    prod(root, broken, "", "  region: eu-west-2\n")
    return [f"{PROD}:8: error: meshplane:region is set twice (first at line 4)"]


@case
def yaml11_boolean(root, broken):
    prod(root, broken, "  meshplane:protectData: true\n", "  meshplane:protectData: yes\n")
    return [f"{PROD}:8: error: meshplane:protectData: expected true or false, got 'yes'"]


@case
def secret_setting(root, broken):
    prod(root, broken, "", "  meshplane:kubeContext: {secure: AAABAAx}\n")
    return [f"{PROD}:8: error: meshplane:kubeContext: a secret: meshplane's settings are plain (nothing in them is secret)"]


@case
def empty_domain_list(root, broken):
    prod(root, broken, "  meshplane:domains: [users]\n", "  meshplane:domains: []\n")
    return [f"{PROD}:8: error: meshplane:domains: an empty list deploys nothing: name the domains, or leave the key out for every domain"]


@case
def empty_exclusion_list(root, broken):
    prod(root, broken, "  meshplane:excludeDomains: [users]\n", "  meshplane:excludeDomains: []\n")
    return [f"{PROD}:8: error: meshplane:excludeDomains: an empty list leaves nothing out: remove the key"]


@case
def domain_listed_twice(root, broken):
    prod(root, broken, "  meshplane:domains:\n    - users\n    - podcasts\n", "  meshplane:domains:\n    - users\n    - users\n")
    return [f"{PROD}:10: error: meshplane:domains: domain 'users' is listed twice (first as item 1)"]


@case
def domain_that_is_not_a_name(root, broken):
    prod(root, broken, "  meshplane:domains: [users]\n", "  meshplane:domains: [[users]]\n")
    return [f"{PROD}:8: error: meshplane:domains.0: expected text, got a list"]


@case
def domains_and_exclusions(root, broken):
    prod(root, broken, "  meshplane:domains: [users]\n", "  meshplane:domains: [users]\n  meshplane:excludeDomains: [podcasts]\n")
    return [f"{PROD}:9: error: meshplane:excludeDomains: a stack deploys meshplane:domains, or every domain but meshplane:excludeDomains, not both"]


@case
def unknown_domain(root, broken):
    prod(root, broken, "  meshplane:domains: [users]\n", "  meshplane:domains:\n    - users\n    - podcast\n")
    return [f"{PROD}:10: error: meshplane:domains: 'podcast' is not a domain of the mesh (did you mean 'podcasts'?)"]


@case
def fraction_as_a_quota(root, broken):
    prod(root, broken, "  meshplane:quotas: {iam.roles: 2000}\n", "  meshplane:quotas: {iam.roles: 2000.5}\n")
    return [f"{PROD}:8: error: meshplane:quotas.iam.roles: expected an integer, got 2000.5"]


@case
def unknown_key_in_an_account(root, broken):
    account = '  meshplane:accounts:\n    users: {accountId: "444444444444", %s: "arn:aws:iam::444444444444:role/deployer"}\n'
    prod(root, broken, account % "roleArn", account % "rolearn")
    return [
        f"{PROD}:9: error: missing required key 'meshplane:accounts.users.roleArn'",
        f"{PROD}:9: error: unknown key 'meshplane:accounts.users.rolearn' (did you mean 'roleArn'?)",
    ]


@case
def an_account_for_a_domain_the_mesh_does_not_hold(root, broken):
    account = '  meshplane:accounts:\n    %s: {accountId: "444444444444", roleArn: "arn:aws:iam::444444444444:role/deployer"}\n'
    prod(root, broken, account % "users", account % "user")
    return [f"{PROD}:9: error: meshplane:accounts: 'user' is not a domain of the mesh (did you mean 'users'?): its account would place nothing"]


@case
def a_role_in_another_account(root, broken):
    account = '  meshplane:accounts:\n    users: {accountId: "444444444444", roleArn: "arn:aws:iam::%s:role/deployer"}\n'
    prod(root, broken, account % "444444444444", account % "555555555555")
    return [f"{PROD}:9: error: meshplane:accounts.users.roleArn: role 'arn:aws:iam::555555555555:role/deployer' is in account "
            "555555555555, not in 444444444444, the account it deploys"]


@case
def two_deployer_roles_for_one_account(root, broken):
    accounts = (
        '  meshplane:accounts:\n'
        '    users: {accountId: "444444444444", roleArn: "arn:aws:iam::444444444444:role/deployer"}\n'
        '    podcasts:\n      accountId: "444444444444"\n      roleArn: "arn:aws:iam::444444444444:role/%s"\n'
    )
    prod(root, broken, accounts % "deployer", accounts % "other-deployer")
    return [f"{PROD}:12: error: meshplane:accounts.podcasts.roleArn: account 444444444444 is deployed by "
            "'arn:aws:iam::444444444444:role/deployer' (meshplane:accounts.users.roleArn): one account has one deployer role"]


@case
def prod_without_a_deployer_role(root, broken):
    text = BASE.replace('  meshplane:deployerRoleArn: "arn:aws:iam::333333333333:role/meshplane-deployer"\n', "")
    write(root, "prod", text if broken else BASE)
    return [f"{PROD}:2: error: meshplane:deployerRoleArn: required in prod: the role that deploys the default account, the only one that "
            "administers its keys and bucket policies (e.g. arn:aws:iam::<accountId>:role/meshplane-deployer)"]


@case
def a_deployer_role_in_another_account(root, broken):
    deployer = '  meshplane:deployerRoleArn: "arn:aws:iam::333333333333:role/meshplane-deployer"\n'
    write(root, "prod", BASE if not broken else BASE.replace(deployer, deployer.replace("333333333333", "555555555555")))
    return [f"{PROD}:7: error: meshplane:deployerRoleArn: role 'arn:aws:iam::555555555555:role/meshplane-deployer' is in account "
            "555555555555, not in 333333333333, the account it deploys"]


@case
def an_account_entry_for_the_default_account_disagreeing_with_its_deployer(root, broken):
    account = '  meshplane:accounts:\n    users: {accountId: "333333333333", roleArn: "arn:aws:iam::333333333333:role/%s"}\n'
    prod(root, broken, account % "meshplane-deployer", account % "other-deployer")
    return [f"{PROD}:9: error: meshplane:accounts.users.roleArn: account 333333333333 is deployed by "
            "'arn:aws:iam::333333333333:role/meshplane-deployer' (meshplane:deployerRoleArn): one account has one deployer role"]


@case
def a_management_account_role_elsewhere_or_holding_the_stacks_domains(root, broken):
    management = '  meshplane:organizationsManagementAccount: {accountId: "%s", roleArn: "arn:aws:iam::%s:role/organizations"}\n'
    prod(root, broken, management % ("999999999999", "999999999999"), management % ("333333333333", "999999999999"))
    return [
        f"{PROD}:8: error: meshplane:organizationsManagementAccount.accountId: account 333333333333 holds the stack's domains or cluster, and no "
        "SCP or RCP binds a management account",
        f"{PROD}:8: error: meshplane:organizationsManagementAccount.roleArn: role 'arn:aws:iam::999999999999:role/organizations' is in account "
        "999999999999, not in 333333333333",
    ]


@case
def two_stacks_of_one_environment_attach_one_accounts_perimeter(root, broken):
    management = '  meshplane:organizationsManagementAccount: {accountId: "999999999999", roleArn: "arn:aws:iam::999999999999:role/o"}\n'
    write(root, "prod", BASE + "  meshplane:excludeDomains: [podcasts]\n" + management)
    write(root, "prod-podcasts", BASE + "  meshplane:domains: [podcasts]\n" + (management if broken else ""))
    return [
        "stacks/Pulumi.prod-podcasts.yaml:9: error: meshplane:organizationsManagementAccount: stack 'prod' attaches the perimeter of account "
        "333333333333 too, in environment prod: name the management account in one stack of the environment",
        f"{PROD}:9: error: meshplane:organizationsManagementAccount: stack 'prod-podcasts' attaches the perimeter of account 333333333333 too, "
        "in environment prod: name the management account in one stack of the environment",
    ]


@case
def name_prefix_s3_reserves(root, broken):
    write(root, "prod", BASE.replace("namePrefix: daff-prod", "namePrefix: sthree" if broken else "namePrefix: sthreex"))
    return [f"{PROD}:5: error: meshplane:namePrefix: 'sthree' would start every bucket's name with 'sthree-', which S3 reserves"]


@case
def name_prefix_with_two_hyphens(root, broken):
    write(root, "prod", BASE.replace("namePrefix: daff-prod", "namePrefix: daff--prod" if broken else "namePrefix: daff-prod"))
    return [f"{PROD}:5: error: meshplane:namePrefix: expected a name of lowercase letters and digits in words joined by single hyphens, "
            "starting with a letter, got 'daff--prod'"]


@case
def cluster_name_eks_refuses(root, broken):
    write(root, "prod", BASE.replace("cluster: daff-prod-data", "cluster: daff prod" if broken else "cluster: daff_prod-data"))
    return [f"{PROD}:6: error: meshplane:cluster: expected an EKS cluster's name: letters, digits, _ and -, starting with a letter or a digit, "
            "got 'daff prod'"]


@case
def two_stacks_of_one_environment_deploy_a_domain(root, broken):
    prod(root, broken, "  meshplane:excludeDomains: [podcasts]\n", "")
    write(root, "prod-podcasts", BASE + "  meshplane:domains: [podcasts]\n")
    return [
        "stacks/Pulumi.prod-podcasts.yaml:8: error: domain 'podcasts' is deployed by stack 'prod' too, in environment prod: a domain "
        "has one stack per environment (two would fight over its buckets, keys and roles); say which with meshplane:domains",
        f"{PROD}:2: error: domain 'podcasts' is deployed by stack 'prod-podcasts' too, in environment prod: a domain has one stack "
        "per environment (two would fight over its buckets, keys and roles); say which with meshplane:excludeDomains",
    ]


@case
def two_domain_stacks_name_one_domain(root, broken):
    write(root, "prod-a", BASE + "  meshplane:domains: [users]\n")
    write(root, "prod-b", BASE + f"  meshplane:domains: [{'users' if broken else 'podcasts'}]\n")
    return [
        "stacks/Pulumi.prod-a.yaml:8: error: domain 'users' is deployed by stack 'prod-b' too, in environment prod: a domain has one "
        "stack per environment (two would fight over its buckets, keys and roles); say which with meshplane:domains",
        "stacks/Pulumi.prod-b.yaml:8: error: domain 'users' is deployed by stack 'prod-a' too, in environment prod: a domain has one "
        "stack per environment (two would fight over its buckets, keys and roles); say which with meshplane:domains",
    ]


def problems_of(root: Path) -> list[str]:
    """Every error reading the project's stacks reports: each file, each against the others."""
    try:
        found = project_problems(root, open_project(root).mesh, ["users", "podcasts"])
    except MeshError as exc:
        found = exc.problems
    return [str(p) for p in sorted(found) if p.severity.blocks]


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    files = MeshFiles(tmp_path)
    files.product("users", "alpha")
    files.product("podcasts", "beta")
    return tmp_path


@pytest.mark.parametrize("name", CASES)
def test_valid_twin_reads_clean(root, name):
    CASES[name](root, False)
    assert problems_of(root) == []


@pytest.mark.parametrize("name", CASES)
def test_broken_twin_reports_exactly(root, name):
    expected = CASES[name](root, True)
    assert problems_of(root) == expected


def test_every_broken_stack_file_is_reported_in_one_run(root):
    write(root, "dev", BASE.replace("prod", "dev") + "  meshplane:domain: [users]\n")
    write(root, "prod", BASE + "  meshplane:protectData: on\n")
    assert problems_of(root) == [
        "stacks/Pulumi.dev.yaml:8: error: unknown key 'meshplane:domain' (did you mean 'meshplane:domains'?)",
        f"{PROD}:8: error: meshplane:protectData: expected true or false, got 'on'",
    ]


def test_a_domain_no_stack_of_an_environment_deploys_is_a_warning(root):
    write(root, "prod", BASE + "  meshplane:excludeDomains: [podcasts]\n")
    write(root, "dev", BASE.replace("prod", "dev") + "  meshplane:domains: [podcasts]\n")
    warnings = [str(p) for p in project_problems(root, open_project(root).mesh, ["users", "podcasts"])]
    assert warnings == [
        "domains/users/domain.yaml:1: warning: no stack of environment dev deploys domain 'users' (stacks: dev)",
        f"{PROD}:8: warning: no stack of environment prod deploys domain 'podcasts' (stacks: prod)",
    ]


def test_leaving_out_a_domain_the_mesh_does_not_hold_is_a_warning(root):
    write(root, "prod", BASE + "  meshplane:excludeDomains: [podcast]\n")
    found = [str(p) for p in project_problems(root, open_project(root).mesh, ["users", "podcasts"])]
    assert f"{PROD}:8: warning: meshplane:excludeDomains: 'podcast' is not a domain of the mesh (did you mean 'podcasts'?)" in found


def test_validate_refuses_an_overlap_and_runs_nothing_else(root, capsys):
    write(root, "prod", BASE)
    write(root, "prod-podcasts", BASE + "  meshplane:domains: [podcasts]\n")
    assert cli.main(["validate", "--env", "prod"]) == 1
    err = capsys.readouterr().err
    assert f"{PROD}:2: error: domain 'podcasts' is deployed by stack 'prod-podcasts' too" in err


def test_a_command_on_one_stack_refuses_the_overlap_in_its_own_file(root, capsys):
    write(root, "prod", BASE)
    write(root, "prod-podcasts", BASE + "  meshplane:domains: [podcasts]\n")
    assert cli.main(["plan", "--stack", "prod-podcasts"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("stacks/Pulumi.prod-podcasts.yaml:8: error: domain 'podcasts' is deployed by stack 'prod' too")
    assert err[1:] == ["1 problem(s) found"]


def test_narrowing_a_stack_to_a_domain_it_leaves_out_is_refused(root):
    write(root, "prod", BASE + "  meshplane:excludeDomains: [podcasts]\n")
    with pytest.raises(MeshError) as error:
        read_stack(root, "prod", {"meshplane:domains": '["podcasts"]'})
    assert [str(p) for p in error.value.problems] == [
        f"{PROD}:8: error: stack 'prod' leaves domain 'podcasts' out (meshplane:excludeDomains): another stack deploys it"
    ]
    assert read_stack(root, "prod", {"meshplane:domains": '["users"]'}).settings.domains == ("users",)


def test_an_unknown_stack_says_which_one_it_resembles(root):
    write(root, "prod", BASE)
    with pytest.raises(MeshError) as error:
        read_all(root) and read_stack(root, "prd")
    assert [str(p) for p in error.value.problems] == ["stacks/Pulumi.prd.yaml:1: error: no stack 'prd' (did you mean 'prod'?) (known: prod)"]


def test_the_program_under_the_pulumi_cli_refuses_an_unknown_key_as_the_commands_do(root):
    """The Pulumi CLI hands the program the values of the keys the program asks for, never the others: `__main__.py`
    reads its settings with `settings_from`, which checks the stack file the way the commands do."""
    write(root, "prod", BASE + "  meshplane:domain: [users]\n")
    config = {"environment": "prod", "accountId": "333333333333", "region": "eu-west-1", "namePrefix": "daff-prod", "cluster": "c"}
    with pytest.raises(MeshError) as error:
        settings_from(config.get, stack_file("prod"), root)
    assert [str(p) for p in error.value.problems] == [f"{PROD}:8: error: unknown key 'meshplane:domain' (did you mean 'meshplane:domains'?)"]


def test_each_accounts_deployer_is_the_one_the_settings_name_else_the_default_outside_prod():
    base = {"environment": "dev", "accountId": "111111111111", "region": "eu-west-1", "namePrefix": "daff-dev", "cluster": "c"}
    role = "arn:aws:iam::%s:role/%s"
    assert StackSettings.model_validate(base).deployer("111111111111") == role % ("111111111111", "meshplane-deployer")
    placed = {**base, "accounts": {"users": {"accountId": "111111111111", "roleArn": role % ("111111111111", "ci")},
                                   "podcasts": {"accountId": "444444444444", "roleArn": role % ("444444444444", "ci")}}}  # fmt: skip
    settings = StackSettings.model_validate(placed)
    assert (settings.deployer("111111111111"), settings.deployer("444444444444")) == (role % ("111111111111", "ci"), role % ("444444444444", "ci"))
    assert StackSettings.model_validate({**placed, "deployerRoleArn": role % ("111111111111", "d")}).deployer("111111111111") == role % ("111111111111", "d")
    assert settings.break_glass("444444444444") == role % ("444444444444", "meshplane-break-glass")
