"""The one place that knows MkDocs and its theme, Material for MkDocs. Everything MkDocs-specific lives here:

    contract.py  where the docs folder of an audience is, and how a release build starts MkDocs
    run.py       `mkdocs build` of a docs folder, in its own process
    child.py     the entry point of that process (it dies with the build that started it)
    shell.py     Material's page markup around the shell placeholders, and pouring pages into it
    sitemap.py   adding shell pages to the sitemap MkDocs wrote
    preview.py   what `mkdocs serve` needs beyond a build: pages rendered on request
    hooks.py     the hooks MkDocs calls (mkdocs.yml names this file)

MkDocs 1.x is unmaintained and Material is in maintenance mode: swapping the site generator means replacing this
package and mkdocs.yml. The render stage hands it page sources (Markdown with HTML blocks) and finished page
bodies; its templates use a few of Material's CSS classes (`md-button`, `md-typeset`), listed in the README.

This file imports nothing: MkDocs' process in a release build needs only the contract and the asides.
"""
