"""The only module that knows MkDocs: before each build (and each rebuild while `mkdocs serve` runs),
generate the docs folder from the YAML content; while serving, watch the content folders.

Everything else in build_tools is renderer-agnostic, so MkDocs can be swapped for another renderer by
replacing this file and mkdocs.yml.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

# MkDocs loads this file by path; make the package importable when `mkdocs` runs as a console script.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_tools.model import Audience  # noqa: E402
from build_tools.problems import ContentError
from build_tools.publish import ENV_AUDIENCE, ENV_PREGENERATED, docs_dir, generate_sources
from build_tools.render.shell import Shell, ShellPage, fill_shells, take_shells
from build_tools.render.sitemap import add_to_sitemap
from build_tools.schema import CONTENT_TYPES
from build_tools.search.citizen import index_site
from build_tools.settings import load_settings

log = logging.getLogger("mkdocs.hooks.baike")


def _root(config) -> Path:
    """The content repository is the folder that holds mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent


_serving = False
#: While serving: the shell pages of the last good generate step, and the shells (kept: dirty rebuilds do not redo them).
_pages: list[ShellPage] = []
_shells: dict[str, Shell] = {}


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


def on_config(config):
    global _pages
    root = _root(config)
    audience = Audience(os.environ.get(ENV_AUDIENCE, Audience.PUBLIC.value))
    if os.environ.get(ENV_PREGENERATED):
        settings = load_settings(root)
    else:
        try:
            generated = generate_sources(root, audience)
        except ContentError as err:
            message = "内容有错误，页面没有更新：\n" + "\n".join(str(p) for p in err.problems)
            if not _serving:
                raise PluginError(message) from None
            log.error(message)  # while serving, keep the last good pages up until the editor fixes the file
            settings = load_settings(root)
        else:
            settings, _pages = generated.settings, generated.pages
            if generated.changed:
                log.info("已重新生成 %d 个页面源文件", len(generated.changed))
    config.docs_dir = str(docs_dir(root, audience))
    config.site_name = settings.site_name
    config.site_url = settings.site_url
    config.extra["sample_data"] = settings.sample_data
    config.extra["audience"] = audience.value
    return config


def on_post_build(config):
    """Unless publish does it (release builds): pour the shell pages into the fresh shells and index the site."""
    if not os.environ.get(ENV_PREGENERATED):
        site = Path(config.site_dir)
        _shells.update(take_shells(site))
        fill_shells(site, _pages, _shells)
        add_to_sitemap(site, config.site_url, [p.path.removesuffix("index.html") for p in _pages])
        index_site(site)


def on_serve(server, config, builder):
    root = _root(config)
    for ctype in CONTENT_TYPES:
        folder = root / ctype.folder
        if folder.is_dir():
            server.watch(str(folder))
    server.watch(str(root / "site.yaml"))
    server.watch(str(root / "build_tools" / "templates"))
    return server
