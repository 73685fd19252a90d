"""行政服务百科 compiler: YAML content in, a static site and its by-products out.

Stages, each a sub-package with a named input and output:
load (files -> Documents) -> validate (Documents -> Problems) -> model (Documents -> Catalogue)
-> render (Catalogue -> page sources) -> publish (page sources -> site directory).
"""

__version__ = "0.1.0"
