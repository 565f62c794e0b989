"""The embedded SearchIndex: SQLite with FTS5, the zero-setup default.

One database file under the data directory. Claims live in a narrow table (what
filters, facets and the sort read, each filter indexed), their JSON beside it, and an
FTS5 table (ranked full text with Porter stemming and diacritics removed, close to
OpenSearch's english analyzer).
The claimant registry is a table of identities, with an FTS5 table of their alias
keys (one row per key, so a name matches word for word within one way of writing
it). User text never reaches FTS5 as syntax: it is split into words, and each word is
passed as a quoted FTS5 string.
"""

from claimsearch.index.sqlite.adapter import SqliteIndex

__all__ = ["SqliteIndex"]
