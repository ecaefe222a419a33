"""Sources: which reports to ingest, and which of them changed.

    discover.py      --source arguments (folders, files, globs, URLs, YAML manifests) → Sources
    fetch.py         URL sources → local files (conditional GET, content-addressed cache)
    incremental.py   which sources to parse, which are unchanged, which are gone (ops.source_files)
"""
