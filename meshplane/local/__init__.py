"""The embedded default: the mesh provisioned into a local AWS emulator, verified, and its access matrix proved.

    run.up_local(project, ...)             the command: start (or reach) an emulator, then up, verify, access
    up.up(project, endpoint, out)          the real program under the mock engine, applied with boto3
    verify.verify(evaluation, mesh, ...)   the deployed state against the declarations: drift and non-compliance
    access.matrix(project) / access.check  who may read and write what, and a probe of it with IAM enforcement on
    admin_check.check(project, ...)        who may administer each domain account's data, with the perimeter and without
    run.test_quality(project, ...)         `meshplane test`: each product's quality rules on its deployed data
    quality.run(s3, ...)                   one version's rules measured by DuckDB on the bytes read, the result stored
    sample_data.write(project, ...)        `up --local --data`: each served product's sample rows, written by its job role
    sample_rows.sample(port, seed, at)     rows over a port's schema that honour its library rules, and their bytes

`emulator` starts a moto server on 127.0.0.1 and switches its IAM enforcement; `apply` holds one
applier per AWS resource type the program registers, `readers` one reader per type (what `verify` compares and
`apply` reads before it writes); `lock` keeps one writer per stack; `ids` translates the mock's IDs to the
emulator's.

Other packages import: `run`.
"""
