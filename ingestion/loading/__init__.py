"""Loading: parsed documents into the raw layer.

    spool.py   parsed documents on disk between the parse and the load stage (flat memory)
    load.py    the raw tables written through SQLAlchemy (delete-then-insert per source)
"""
