"""Every file a build publishes beside its pages, in one list: `OUTPUTS`, the way `validate.rules.RULES` lists the
rules. An output is a function from the build's input (the audience's catalogue and the settings) to files (site
path -> bytes), independent of every other output, so the engine may run them in any order and in parallel; adding
an output is adding a function here. An output split `per` key (a booklet per hall) is run once per key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..booklet import booklet_file, booklet_halls
from ..export import export_files
from ..model import Audience, Catalogue
from ..qr.files import link_files
from ..render.site import make_environment
from ..reports.inspection import inspection_files
from ..reports.statistics import statistics_files
from ..search.citizen import citizen_search_files
from ..settings import Settings

Files = dict[str, bytes]


@dataclass(frozen=True)
class BuildInput:
    """What every output and page of one build is made from; workers are given it once, when they start."""

    catalogue: Catalogue  # the audience's view: a public build's has no internal field
    settings: Settings
    audience: Audience
    root: Path
    preview: bool = False  # `mkdocs serve`: no open data, no booklets
    booklets: bool = False


@dataclass(frozen=True)
class Output:
    name: str  # in progress lines and the build's summary
    make: Callable[..., Files]  # make(input) -> files, or make(input, key) for each key of `per`
    wanted: Callable[[BuildInput], bool] = lambda given: True
    per: Callable[[BuildInput], list[str]] | None = None


def short_links(given: BuildInput) -> Files:
    """A redirect stub per printed code (`Q/<code>/`) and the nginx/Apache 301 rules."""
    return link_files(given.catalogue, given.settings, make_environment())


def statistics(given: BuildInput) -> Files:
    return statistics_files(given.catalogue)


def inspection_sheet(given: BuildInput) -> Files:
    return inspection_files(given.catalogue)


def citizen_search(given: BuildInput) -> Files:
    return citizen_search_files(given.catalogue)


def open_data(given: BuildInput) -> Files:
    return export_files(given.catalogue, given.settings)


def booklet(given: BuildInput, hall: str) -> Files:
    return booklet_file(given.root, given.catalogue, given.settings, hall)


#: Largest first, so that a build's workers finish together.
OUTPUTS: tuple[Output, ...] = (
    Output("口袋书", booklet, wanted=lambda given: given.booklets and not given.preview,
           per=lambda given: booklet_halls(given.catalogue)),
    Output("搜索索引", citizen_search),
    Output("导出", open_data, wanted=lambda given: not given.preview),
    Output("短链接", short_links),
    Output("统计", statistics),
    Output("检查表", inspection_sheet, wanted=lambda given: given.audience is Audience.STAFF),
)
_BY_NAME = {output.name: output for output in OUTPUTS}


def output_tasks(given: BuildInput) -> Iterator[tuple[str, str | None]]:
    """(output name, key) for every piece of work the outputs wanted by this build need."""
    for output in OUTPUTS:
        if output.wanted(given):
            yield from ((output.name, key) for key in (output.per(given) if output.per else [None]))


def make_output(given: BuildInput, name: str, key: str | None) -> Files:
    output = _BY_NAME[name]
    return output.make(given) if key is None else output.make(given, key)


def all_outputs(given: BuildInput) -> Files:
    """Every wanted output's files, made here one after the other."""
    files: Files = {}
    for name, key in output_tasks(given):
        files.update(make_output(given, name, key))
    return files


__all__ = ["BuildInput", "Output", "OUTPUTS", "output_tasks", "make_output", "all_outputs"]
