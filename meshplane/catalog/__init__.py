"""The mesh's catalog: a static site, built at once from the declarations, that works offline."""
