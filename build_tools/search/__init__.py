"""Search. Citizens: a static index, downloaded a few small files at a time only when someone searches; the build
makes it with Pagefind's Chinese-segmenting extended build and re-cuts Pagefind's output to fit the download
budget (`citizen.py`, `compact.py`). Staff and the 12345 hotline: a Whoosh index with fielded queries,
facets and did-you-mean, from the command line or a small HTTP service (`staff.py`, `server.py`). Both read
queries and pages through the one analyzer in `analyzer.py` and the synonym file search/synonyms.yaml."""
