"""The change under review: what a change (a pull request, a branch) does, to which stacks, for whom.

`gitref` reads the base's tree from git (the base's own program takes its snapshot: `meshplane.snapshot`);
`affected` finds the stacks a change touches (`stacks_report` lists them for people and a CI matrix);
`diff` says what the change does product by product: `contract_changes` classes each contract change,
`resource_changes` each cloud resource's (with `deployed`, a stack's deployed state, and `plan_changes`,
`plan --state`); `diff_report` writes the diff for people and programs; `findings` writes problems in the
formats CI reads (SARIF, GitHub annotations); `codeowners` names the reviewers of each domain's folder.

Other packages import: `gitref`, `affected`, `stacks_report`, `diff`, `diff_report`, `findings`, `deployed`,
`plan_changes`, `codeowners`.
"""
