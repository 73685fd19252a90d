"""出口和入口: open-data exports of the catalogue, and the spreadsheet import that reads the same tables back."""

from .files import export_files

__all__ = ["export_files"]
