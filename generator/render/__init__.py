"""Render: the store's papers into generated/, the Markdown pages MkDocs builds. ``pages`` decides
what to write (Jinja2 templates under generator/templates/) and writes only what changed;
``archive`` groups papers by day, week, month and topic; ``feeds``, ``citation``, ``stats`` and
``related`` make the feeds, the citation formats, the stats charts and the related papers."""
