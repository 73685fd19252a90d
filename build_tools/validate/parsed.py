"""What validation hands on: the documents that passed the schema, by type, for the rules and the model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..load import Document
from ..load.registry import Entry
from ..schema import Department, Guide, Hall, Matter, Sop


@dataclass
class Parsed:
    """Documents that passed the schema, by type, each with the document it came from (for positions)."""

    departments: dict[str, tuple[Document, Department]]
    halls: dict[str, tuple[Document, Hall]]
    matters: dict[str, tuple[Document, Matter]]
    sops: dict[str, tuple[Document, Sop]]
    guides: dict[str, tuple[Document, Guide]]
    codes: dict[str, Entry]
    today: dt.date
    #: ids of every file that parsed as YAML, valid or not, by type: a reference to a file that has its own
    #: errors is not reported again as dangling.
    present: dict[str, set[str]] = field(default_factory=dict)
