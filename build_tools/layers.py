"""The compiler's layers, lowest first: a module imports only modules of a lower layer, or of its own top-level
package in the same layer (tests/test_architecture.py checks every import; `gen-docs` writes docs/modules.md, the
map a newcomer reads, from this table and each module's docstring)."""

from __future__ import annotations

#: (packages or modules of the layer, what the layer does)
LAYERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("problems", "settings", "text", "files", "workers", "characters", "layers"), "leaves: import nothing of build_tools"),
    (("urls", "schema"), "leaves that use a leaf: addresses, the content schema"),
    (("situations",), "what applies for given answers (办理情形)"),
    (("load",), "files → documents with positions (and the code registry)"),
    (("validate",), "documents → typed objects and every problem"),
    (("model",), "objects → the catalogue and its public and staff views"),
    (("qr",), "QR symbols and short links"),
    (("render",), "catalogue → page sources and bodies"),
    (("search", "export", "reports", "booklet"), "outputs made from the catalogue"),
    (("editors",), "editors' tools: new, lint, diff, ownership, spreadsheet import"),
    (("mkdocs_adapter",), "MkDocs and Material, the only place that knows them (but their hooks)"),
    (("publish",), "the build engine"),
    (("cli",), "the command line: parses, imports the verb by name"),
    (("commands", "__main__"), "one module per verb"),
    (("mkdocs_adapter.hooks",), "what MkDocs calls: runs the build"),
)
