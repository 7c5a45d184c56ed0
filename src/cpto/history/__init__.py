"""History: the git reader, the DuckDB index of commits, and summaries over it."""
