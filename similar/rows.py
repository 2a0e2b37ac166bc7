"""The index as rows, and where it should live when the bot runs several workers.

An open case's terms are rows (case_id, term, level): level is the term's weight in the case in
steps of 1/LEVELS, as the index keeps it. term_rows() writes them, weights() reads them back,
and SimilarityIndex.add_terms() indexes a case from them without cutting its text again.

Recommendation: rebuild the index in each worker's memory at start, from the open cases' texts
(SimilarityIndex.extend), and keep it current from the same events that open and close cases
(a worker that did not handle an event learns of it from a change feed it polls: the ids of cases
opened, changed or closed since its last look). A lookup is then a few milliseconds of Python at
100,000 open cases, with no round trip; the bench prints the rebuild's time and memory. Rebuilding
from stored term rows saves only the cutting of the texts (no jieba: the terms are characters),
which is a small part of the rebuild, so the rows are worth keeping only if lookups are to be
made in SQL. That alternative, for PostgreSQL, without migrations yet:

    CREATE TABLE similar_terms (            -- one row per open case and term
        case_id bigint   NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        tank    text,                       -- NULL for triage
        station text,
        term    text     NOT NULL,          -- ' 渠' a character, ' 水渠' a pair
        level   smallint NOT NULL,          -- weight * 20
        PRIMARY KEY (case_id, term)
    );
    CREATE INDEX similar_terms_block
        ON similar_terms (tank, station, term) INCLUDE (case_id, level);
    CREATE TABLE similar_df (term text PRIMARY KEY, cases integer NOT NULL);  -- kept by trigger
    CREATE TABLE similar_norms (case_id bigint PRIMARY KEY, norm real NOT NULL);

    -- a lookup: the concern's terms and their query weights are bound as arrays
    SELECT t.case_id, sum(q.weight * t.level) / n.norm AS score
      FROM unnest($3::text[], $4::real[]) AS q(term, weight)
      JOIN similar_terms t ON t.tank IS NOT DISTINCT FROM $1 AND t.station = ANY($2)
                          AND t.term = q.term
      JOIN similar_norms n USING (case_id)
     GROUP BY t.case_id, n.norm ORDER BY score DESC LIMIT 64;

Each lookup then reads every posting of the concern's terms in its block (tens of thousands of
rows at 100,000 open cases), and every added or closed case writes some 40 rows and updates the
shared df rows, a point of contention between workers. MinHash LSH bands as indexed columns would
make the lookup an equality join on a few columns, but MinHash found far fewer of the same
problems on the labelled pairs (see the README), so it is not proposed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from similar.index import LEVELS, quantize

TermRow = tuple[int, str, int]  # case_id, term, level


def term_rows(case_id: int, weights: Mapping[str, float]) -> list[TermRow]:
    """A case's terms as rows to store."""
    return [(case_id, term, quantize(w)) for term, w in sorted(weights.items())]


def weights(rows: Iterable[TermRow]) -> dict[str, float]:
    """A case's term weights from its stored rows."""
    return {term: level / LEVELS for _, term, level in rows}
