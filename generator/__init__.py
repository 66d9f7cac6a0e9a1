"""Daily Papers: a static site generator for Hugging Face Daily Papers.

The folders are the pipeline's stages, each importing only from the ones before it:

- the core, here: ``model`` (one typed paper), ``store`` (YAML under data/, merging captures
  with ``merge``), ``layout`` (every page's place), ``order`` (the archive's order of papers),
  ``escape``, ``settings``, ``outputs`` (the keyed writer), ``cache`` (the one cache rule),
  ``workers`` (the one workers policy), ``files``, ``errors``;
- ``ingest/``: fetch raw data from the sources and parse it, or import saved captures;
- ``search/``: the search index and, in ``search/semantic/``, search by meaning;
- ``render/``: Markdown pages, feeds and citations under generated/;
- ``site/``: the MkDocs build and the check of a built site;
- ``project``: every operation of a project folder, as a library (``Project``), and ``cli``,
  the ``papers`` command over it, on top; ``reference`` makes the handbook's reference pages.

``tests/test_layers.py`` holds the order.
"""

__version__ = "0.1.0"

import os

# numpy (the search index) starts a BLAS thread pool when imported: a seventh of a `papers
# search`, for linear algebra nothing here does. An operator's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
