"""Render stage: catalogue -> page sources (Markdown with HTML blocks), shell pages and static files, via Jinja2
templates (`site.py`). The output is a plain folder any static-site renderer can take (MkDocs today); nothing here
imports MkDocs.

This file imports nothing: the renderer's hook needs `aside` alone, in a process that renders no pages."""
