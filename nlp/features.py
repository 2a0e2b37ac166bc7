"""What a keyword can match in a list of tokens: whole tokens and words inside longer tokens."""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterator, Sequence

# Words inside a token are looked for only in tokens of this many characters or fewer: longer
# ones are not words (URLs, numbers, runs of Latin letters) and would cost time for nothing.
MAX_INNER_TOKEN = 8
MIN_INNER_WORD = 2


def inner_words(token: str, words: Container[str], max_len: int) -> Iterator[str]:
    """Each occurrence, inside `token`, of a shorter word from `words` (2..max_len characters)."""
    n = len(token)
    if n <= MIN_INNER_WORD or n > MAX_INNER_TOKEN:
        return
    for size in range(MIN_INNER_WORD, min(n - 1, max_len) + 1):
        for start in range(n - size + 1):
            piece = token[start : start + size]
            if piece in words:
                yield piece


def is_word(token: str) -> bool:
    """True for a token that can be a keyword: it has a letter (Han characters count)."""
    return any(ch.isalpha() for ch in token)


def feature_counts(tokens: Sequence[str], vocabulary: Container[str]) -> Counter[str]:
    """Counts of a message's words: each token, and each vocabulary word inside a longer token."""
    counts = Counter(t for t in tokens if is_word(t))
    inner: Counter[str] = Counter()
    for token, n in counts.items():
        for word in inner_words(token, vocabulary, MAX_INNER_TOKEN):
            inner[word] += n
    counts.update(inner)
    return counts
