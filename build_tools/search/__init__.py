"""Search. Citizens: a static Pagefind index (Chinese-segmenting extended build), downloaded in small chunks
only when someone searches."""
