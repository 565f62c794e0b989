"""The same claim across articles: each claim joins a cluster of claims that say the same thing.

Only claims of one claimant are ever compared (the same words from two people are two
claims): of one identity, or of one description where the claimant has none ("a White House
official", `assign.cluster_claimant`). Modules: `normalise` (the words compared),
`minhash` (signatures and LSH band keys: which earlier claims are candidates), `matching`
(whether a candidate says the same), `assign` (incremental assignment with stable ids, the
`ClusterLookup` port an index implements, `rebuild`, and `with_clusters` for `reindex`),
`records` (what crosses the index port), `view` (a cluster as GET /clusters/{id} shows it).

Where clusters live: ingest assigns each claim its `cluster_id` before archiving it (the
archive keeps it, so `reindex` restores every id instead of recomputing history); each
index stores the id and the claim's band keys (SQLite: a column and the `cluster_keys`
table; OpenSearch: two keyword fields). Size and first appearance are counted at request
time (`SearchIndex.cluster_summaries`), so edits and deletes never leave them stale.

Measured with bench/bench_clusters.py on the 306 labelled PolNeAR train pairs of
tests/data/claim_pairs.jsonl (thresholds chosen on the `tune` half, figures on the held-out
`test` half / all pairs), clustering all 19,045 extracted claims:

- precision 0.953 / 0.953, recall 0.621 / 0.638 (issue targets: >= 0.95 and >= 0.80: recall
  is short). Every labelled pair above 0.8 word overlap is found; the misses are close
  paraphrases and quote fragments (0.2-0.6 overlap: 36 of 46) and quotes cut at different
  lengths (0.6-0.8: 10). A lower Jaccard or containment threshold finds more of them but
  brings in, at the same rate, longer quotes that add a new assertion, which the labelling
  rule counts as a different claim and which word overlap cannot tell apart;
- 984 clusters per 1,000 claims (291 clusters of 2+ claims, 134 across articles);
- 4-6 ms per article to assign (median, in-memory lookup; the index's candidate query comes
  on top), about 0.5 % of extraction (857 ms per article on the same machine).

A sentence encoder for paraphrases is not shipped. Measured on the same pairs (thresholds
chosen on `tune`, figures on `test`; docs/benchmarks.md, "Claim clusters"): the best
quantised encoder that could ship (all-MiniLM-L6-v2, int8, 23.7 MB) lifts cluster recall
to 0.71-0.76 at precision 0.96-0.98, short of 0.80, for +12-16 % ingest time per article
(4-5 ms per claim) and four times the ingest artifact's spare room; only bge-small fp32
(134 MB, +40-55 % ingest) reaches 0.82 on `test`, and misses precision on `tune`. Every
encoder's false links are the same: a longer quote that adds an assertion to a shorter
one (labelled a different claim), which cosine similarity scores as high as a repeat.
The extraction model's own encoder (already shipped) does not separate the pairs at all.

datasketch itself is not in the ingest path either: it imports scipy (143 MB installed);
`minhash` computes the same signatures with numpy (checked against datasketch in
tests/unit/test_clusters.py).
"""
