"""Search. Citizens: a static Pagefind index (Chinese-segmenting extended build), downloaded in small chunks
only when someone searches (`citizen.py`). Staff and the 12345 hotline: a Whoosh index with fielded queries,
facets and did-you-mean, from the command line or a small HTTP service (`staff.py`, `server.py`). Both read
queries and pages through the one analyzer in `analyzer.py` and the synonym file search/synonyms.yaml."""
