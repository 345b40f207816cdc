"""The mesh in open standards: ODCS v3.2.0 contracts per output port, ODPS v1.0.0 descriptors per product."""
