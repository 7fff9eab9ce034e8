"""What builds reuse from earlier builds: ``Session`` (the ``pipeline.Cache`` of the command
line and watch mode), the fingerprints of rendered pages and the related lists it keeps in
``.baoku-cache/``."""
