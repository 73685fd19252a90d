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
from build_tools.schema import CONTENT_TYPES
from build_tools.search.citizen import index_site
from build_tools.settings import load_settings

log = logging.getLogger("mkdocs.hooks.baike")


def _root(config) -> Path:
    """The content repository is the folder that holds mkdocs.yml."""
    return Path(config.config_file_path).resolve().parent


_serving = False


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


def on_config(config):
    root = _root(config)
    audience = Audience(os.environ.get(ENV_AUDIENCE, Audience.PUBLIC.value))
    if os.environ.get(ENV_PREGENERATED):
        settings = load_settings(root)
    else:
        try:
            settings, changed = generate_sources(root, audience)
        except ContentError as err:
            message = "内容有错误，页面没有更新：\n" + "\n".join(str(p) for p in err.problems)
            if not _serving:
                raise PluginError(message) from None
            log.error(message)  # while serving, keep the last good pages up until the editor fixes the file
            settings = load_settings(root)
        else:
            if changed:
                log.info("已重新生成 %d 个页面源文件", len(changed))
    config.docs_dir = str(docs_dir(root, audience))
    config.site_name = settings.site_name
    config.extra["sample_data"] = settings.sample_data
    config.extra["audience"] = audience.value
    return config


def on_post_build(config):
    """While serving, index the fresh site so the search page works too (release builds index in publish)."""
    if not os.environ.get(ENV_PREGENERATED):
        index_site(Path(config.site_dir))


def on_serve(server, config, builder):
    root = _root(config)
    for ctype in CONTENT_TYPES:
        folder = root / ctype.folder
        if folder.is_dir():
            server.watch(str(folder))
    server.watch(str(root / "site.yaml"))
    server.watch(str(root / "build_tools" / "templates"))
    return server
