"""Daily Papers: a static site generator for Hugging Face Daily Papers.

The package reads like the pipeline: ``sources`` (fetch raw data, parse it) -> ``model`` (one typed
paper) -> ``store`` (YAML under data/) -> ``render`` (Markdown pages under generated/) -> ``site``
(MkDocs build).
"""

__version__ = "0.1.0"

import os

# numpy (the search index) starts a BLAS thread pool when imported: a seventh of a `papers
# search`, for linear algebra nothing here does. An operator's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
