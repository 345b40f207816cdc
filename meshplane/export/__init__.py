"""The mesh in open standards: ODCS v3.2.0 contracts per output port, ODPS v1.0.0 descriptors per product.

`odcs` and `odps` build the documents (`odps_model` is ODPS's schema as models), `ids` and `people` the
identifiers and the team they share, `files` writes them under their folder.

Other packages import: `files`, `ids`, `odcs`, `odps`.
"""
