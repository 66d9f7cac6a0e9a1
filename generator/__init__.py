"""Daily Papers: a static site generator for Hugging Face Daily Papers.

The package reads like the pipeline: ``sources`` (fetch raw data, parse it) -> ``model`` (one typed
paper) -> ``store`` (YAML under data/) -> ``render`` (Markdown pages under generated/) -> ``site``
(MkDocs build).
"""

__version__ = "0.1.0"
