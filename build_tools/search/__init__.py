"""Search. Citizens: a static index, downloaded a few small files at a time only when someone searches; the build
makes it from the model, by character and character pair, beside the pages (`documents.py`, `compact.py`,
`citizen.py`). Staff and the 12345 hotline: a Whoosh index with fielded queries,
facets and did-you-mean, from the command line or a small HTTP service (`staff/`, `server.py`). Both fold
text with `analyzer.py` and read the synonym file search/synonyms.yaml."""
