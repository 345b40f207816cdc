"""The program tier: its kits (`gitkit`, `portkit`) sit in this folder, which pytest puts on the import path for the
tests in its package folders below."""
