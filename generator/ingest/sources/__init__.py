"""Sources: each module fetches raw data (``fetch_*``) or parses it into papers (``parse_*``)."""
