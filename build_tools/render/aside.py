"""Long finished HTML kept out of the Markdown MkDocs reads, and put back into the page it renders.

A list page (by hall, by department, a hall's own page) holds thousands of matter links at city scale: megabytes
of HTML in a few dozen sources. Python-Markdown parses every tag of raw HTML to find where each
block ends, which is slow for pages whose lists are final already. So a template wraps such a
list in `{% filter aside %}`: the source keeps a one-line placeholder, the list goes to a sidecar file next to
the source (its name starts with a dot, which MkDocs skips), and the MkDocs adapter puts it back into the
page's HTML (`restore`, called from mkdocs_adapter/hooks.py, on_page_content). The placeholder carries a hash of the
list, so a source changes whenever its list does and a live-reloading MkDocs rebuilds the page.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

_PLACEHOLDER = re.compile(r"<!--bk-aside:(\d+):[0-9a-f]+-->")
#: The render context's name for the page's set-aside pieces (render_site gives each source page a fresh list).
CONTEXT_KEY = "aside_pieces"


def sidecar_of(source: str) -> str:
    """Where the set-aside pieces of the docs-folder source `source` go: "browse/halls.md" -> "browse/.halls.aside.json"."""
    path = PurePosixPath(source)
    return str(path.with_name(f".{path.stem}.aside.json"))


@pass_context
def aside(context: Context, html: str) -> Markup:
    """Jinja filter: keep `html` for the page's sidecar and leave a placeholder in its place. A page rendered
    without a sidecar (a shell page: no Markdown in its way) keeps the HTML itself."""
    pieces = context.get(CONTEXT_KEY)
    if pieces is None:
        return Markup(html)
    pieces.append(str(html))
    digest = hashlib.sha1(str(html).encode("utf-8")).hexdigest()[:12]
    return Markup(f"<!--bk-aside:{len(pieces) - 1}:{digest}-->")


def sidecar(pieces: list[str]) -> bytes:
    return json.dumps(pieces, ensure_ascii=False).encode("utf-8")


def restore(html: str, sidecar_text: str) -> str:
    """MkDocs' HTML for a page with its set-aside pieces back in place."""
    pieces = json.loads(sidecar_text)
    return _PLACEHOLDER.sub(lambda m: pieces[int(m.group(1))], html)
