"""Publish stage: run the pipeline end to end (`release.build`, or `generate.generate_sources` when MkDocs runs it),
with the outputs of `outputs.OUTPUTS` beside the pages."""

from ..mkdocs_adapter.run import MkDocsError
from .generate import Generated, generate_sources
from .outputs import OUTPUTS, BuildInput, Output
from .release import OutputRefused, build
from .timings import Timings

__all__ = ["build", "generate_sources", "Generated", "Timings", "MkDocsError", "OutputRefused", "OUTPUTS", "Output", "BuildInput"]
