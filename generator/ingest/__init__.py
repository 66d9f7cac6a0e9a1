"""Ingest: getting papers in. ``sources/`` fetches raw answers (``fetch_*``) and parses them into
model objects (pure ``parse_*``); ``http`` is the one HTTP client (timeouts, retries, rate
limits); ``fetch`` runs the network commands (fetch, enrich, hub) and ``importer`` reads saved
captures offline. Everything lands in the store (``generator.store``), which merges."""
