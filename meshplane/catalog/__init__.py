"""The mesh's catalog: a static site, built at once from the declarations, that works offline.

`entries` is what the catalog says of each product (its agreements, the stacks that deploy it); `pages` writes
the HTML, `lineage_svg` and `domain_matrix_svg` the pictures; `site` builds the whole folder, with the product's
exported contracts beside its page.

Other packages import: `site`.
"""
