"""Weekly snapshots of the heartbeat's and the review's figures, and the digest that compares with them.

The history index is a cache of git: it is started over when it cannot be upgraded or read
(``cpto index --rebuild``). A week's figures, once taken, are not: they are what the week looked like
under that week's settings. So snapshots live in their own file, ``.cpto/snapshots.duckdb``, which no
rebuild touches (docs/digest.md).
"""
