"""Site: generated/ and docs/ into the published site. ``build`` runs MkDocs (only what changed
since the last build, in parallel shards) and serves previews; ``check`` inspects a built site
before it is deployed (``papers check``). The theme's own code (generator/theme/) is MkDocs'."""
