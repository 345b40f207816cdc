"""Who may do what, decided with AWS's authorization semantics over the documents a deployment holds.

`iam` wraps principalmapper (identity, resource and key policies, explicit denies, conditions with the
request's context, accounts), with the few places it departs from AWS corrected and tested. What lies
outside it is modelled here from AWS's documentation, each in a file of its own with its own tests:
`access_points` (a request through an access point needs the access point and its bucket), `grants`
(KMS grants), `lakeformation` (catalog grants and the queries they authorise). `decide` puts them
together per principal, product and action; `admin` decides the administrative actions, with the organization's
SCPs and RCPs (modelled) and without; `meshplane.local.readback` reads the documents back.

Other packages import: `decide`, `iam`, `model`, `admin`.
"""
