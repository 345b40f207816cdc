"""The mesh in open standards: ODCS v3.2.0 contracts per output port, ODPS v1.0.0 descriptors per product.

`odcs` and `odps` build the documents (`odps_model` is ODPS's schema as models; the ids, versions and team they
share are the declarations' `ids` and `people`), `files` writes them under their folder; `perimeter` writes a stack's SCPs and RCPs. A port taken from a
contract exports that contract, with only what meshplane states replaced.

Other packages import: `files`, `odcs`, `odps`, `perimeter`.
"""
