"""The hooks MkDocs calls (mkdocs.yml names this file): before each build (and each rebuild while `mkdocs serve`
runs), generate the docs folder from the YAML content; while serving, watch the content folders and render a
requested matter page from the newest content."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

# MkDocs loads this file by path; make the package importable when `mkdocs` runs as a console script.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

# In a release build (ENV_PREGENERATED) this process only lays out the pages of a docs folder made already: it
# needs the settings and the asides, so the compiler itself is imported inside the hooks that run it (mkdocs build
# and serve without a release build), which saves the release build's MkDocs half a second of imports.
from build_tools.files import mark_site  # noqa: E402
from build_tools.mkdocs_adapter.contract import ENV_AUDIENCE, ENV_PREGENERATED, docs_dir  # noqa: E402
from build_tools.mkdocs_adapter.shell import fill_shells, take_shells  # noqa: E402
from build_tools.mkdocs_adapter.sitemap import add_to_sitemap  # noqa: E402
from build_tools.render import aside  # noqa: E402
from build_tools.render.shell import ShellPage  # noqa: E402
from build_tools.settings import load_settings  # noqa: E402

log = logging.getLogger("mkdocs.hooks.baike")


def _root(config) -> Path:
    """The content repository is the folder that holds mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent


_serving = False
#: The shell pages the generate step rendered for this build (all of them, except on rebuilds while serving), and
#: while serving, the by-products for the site itself.
_pages: list[ShellPage] = []
_static: dict[str, bytes] = {}
_audience = "public"  # of this process's builds (an Audience once the compiler is imported)


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


def on_config(config):
    global _pages, _static, _audience
    root = _root(config)
    audience = os.environ.get(ENV_AUDIENCE, "public")
    if os.environ.get(ENV_PREGENERATED):
        settings = load_settings(root)
    else:
        from build_tools.mkdocs_adapter.preview import preview_for
        from build_tools.model import Audience
        from build_tools.problems import ContentError
        from build_tools.publish import generate_sources

        audience = _audience = Audience(audience)
        preview = preview_for(audience) if _serving else None
        if preview:
            preview.build_started()
        try:
            generated = generate_sources(root, audience, preview=preview)
        except ContentError as err:
            message = "内容有错误，页面没有更新：\n" + "\n".join(str(p) for p in err.problems)
            if not preview:
                raise PluginError(message) from None
            log.error(message)  # while serving, keep the last good pages up (showing the problems) until the editor fixes the file
            preview.problems = err.problems
            settings = load_settings(root)
        else:
            settings, _pages, _static = generated.settings, generated.pages, generated.static
            if preview:
                preview.problems = []
            if generated.changed:
                log.info("已重新生成 %d 个页面源文件", len(generated.changed))
    config.docs_dir = str(docs_dir(root, audience))
    config.site_name = settings.site_name
    config.site_url = settings.site_url
    config.extra["sample_data"] = settings.sample_data
    config.extra["audience"] = str(audience)
    return config


def on_page_content(html, page, config, files):
    """Put back the long lists the page's source left out for speed (render/aside.py)."""
    sidecar = Path(page.file.abs_src_path).parent / Path(aside.sidecar_of(page.file.src_uri)).name
    return aside.restore(html, sidecar.read_text(encoding="utf-8")) if sidecar.is_file() else html


def on_post_build(config):
    """Unless publish does it (release builds): pour the shell pages into the shells and list them in the sitemap.
    While serving, rebuilds leave shell pages to be rendered on request; the search index is an output,
    regenerated with the others."""
    if os.environ.get(ENV_PREGENERATED):
        return
    from build_tools.mkdocs_adapter.preview import preview_for
    from build_tools.model import Audience

    site = Path(config.site_dir)
    if _serving:
        preview = preview_for(Audience(config.extra["audience"]))
        preview.built(site, _pages or None, _static)
        preview.build_finished()
    else:
        fill_shells(site, _pages, take_shells(site))
    if _pages:
        add_to_sitemap(site, config.site_url, [p.path.removesuffix("index.html") for p in _pages])
    mark_site(site)  # as a release build does: `build` may then replace this folder


def on_build_error(error):
    """A failed build is over too: what the preview's worker made meanwhile may be written now."""
    if _serving:
        from build_tools.mkdocs_adapter.preview import preview_for
        from build_tools.model import Audience

        preview_for(Audience(_audience)).build_finished()


def on_serve(server, config, builder):
    """Watch the content, and render a requested matter page first if the content changed since it was rendered."""
    from build_tools.mkdocs_adapter.preview import preview_for
    from build_tools.model import Audience
    from build_tools.schema import CONTENT_TYPES

    preview, site, app = preview_for(Audience(config.extra["audience"])), Path(config.site_dir), server.get_app()

    def serve(environ, start_response):
        preview.refresh(site, environ.get("PATH_INFO", ""))
        return preview.respond(app, environ, start_response)

    server.set_app(serve)
    root = _root(config)
    for ctype in CONTENT_TYPES:
        folder = root / ctype.folder
        if folder.is_dir():
            server.watch(str(folder))
    server.watch(str(root / "site.yaml"))
    server.watch(str(root / "build_tools" / "templates"))
    return server
