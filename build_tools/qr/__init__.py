"""Permanent short codes and their QR images.

A code is issued once (recorded in `registry/codes.yaml`), never reused, and resolves forever: to the page,
to the successor of a merged or delegated matter, or to a cancelled matter's tombstone.
"""
