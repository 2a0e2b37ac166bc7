"""Similar concerns: which open cases read like a new one, and the hot topics of a window.

The engine is plain Python over a tokenizer the caller gives (nlp.tokenizer in the bot): core
never imports this package; it calls it through its SimilarCases port (core.engines), which
similar.port implements over the index.

- similar.index: SimilarityIndex, the open cases by tank and place, and Match, what a lookup
  finds: add(case_id, text, tank, station, location, resident_id), remove(case_id),
  similar(text, tank, station, location, k=3) -> [Match(case_id, score, shared_words)].
- similar.hot: hot_topics(concerns, index, now=, window=, previous=, dismissed=) ->
  HotTopics(topics, clusters), each Cluster(id, title, tank, case_ids, residents, places,
  first_at, last_at), with stable ids and only established residents counted.
- similar.terms: the terms a text is compared by, and the words that explain a match.
- similar.place: blocking by station, nearby stations and a radius on the map.
- similar.rows: the index as rows for storage, and the schema proposed for PostgreSQL.
- similar.evaluation, similar.compare: the labelled sets and the measures compared on them;
  the command line is `python -m similar compare | evaluate`.

The measure (chosen on tests/data/similar_concerns_pairs.csv, see the README for the table):
the cosine of TF-IDF vectors of single Han characters and character pairs (at a fifth of the
weight), the characters of a place's name at half weight, with the IDF of the open cases.
"""
