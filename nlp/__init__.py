"""Routing residents' concerns to think tanks by weighted keywords, with the reasons shown.

Keyword semantics (the same for the district's hand-made lists and for learned ones):

- Text is normalised (NFKC, lower case, zero-width and direction marks removed) and cut into
  words by jieba, with every tank's `domain_words` kept whole (nlp.tokenizer.Tokenizer).
- A keyword matches a whole word; a keyword of two or more characters also matches inside a
  longer word of up to 8 characters (价格 in 价格低, 授信 in 授信额度). A keyword that jieba
  cuts into several words ("拖欠工资" when not kept whole) also matches those words in a row;
  "a b" with a space is a phrase of exactly those words, next to each other.
- Where a longer keyword matched, the shorter ones inside it do not count again (担保人, not
  担保 as well; a phrase covers its words). A one-character keyword also matches inside a
  short word jieba glued it into (想告, 没|人种); a keyword typed with one character of the
  same sound matches when what was typed is no dictionary word (代款 for 贷款); an English
  keyword matches its plain inflections (wages for wage). nlp.matching says exactly when.
- A keyword "a|b + c|d" is a co-occurrence rule: it counts once (its weight, added to the rest)
  when one word of each family is somewhere in the concern's text, and is shown as the words
  found (钱…没给). Its words cover no keyword and no keyword covers them.
- A tank's score is its `bias` plus, for each of its keywords found `n` times,
  weight * (1 + ln n): a repeat adds less each time (sublinear, as in TF-IDF).
- A tank with `rules_outweigh` below 1 (law: 0.5) scales every other tank's score by it when
  one of its own rules matched: a dispute told among a field's words (a neighbour who kept
  the sheep that ate his wheat and wants 2,000) is the dispute's, not the field's.
- The confidence is the softmax of the scores over all tanks. The best tank gets the concern
  when its confidence reaches its `threshold`; when no keyword matched at all, or the
  confidence is below, the concern goes to triage (tank None) and `best` still names the best.
- The hits are the best tank's keywords found, the largest contribution first, each with the
  word as the resident wrote it, so every decision is explained by its keywords (and the
  biases, which learned files leave at 0 unless learned with `nlp learn --biases`).

Modules: tokenizer, keywords (the lists compiled), matching, pinyin (readings, for typos),
classifier, learn and optimize (learning keywords from labelled data), pairs (learned pair
rules), calibrate (the threshold), biases (per-label biases calibrated on held-out concerns),
evaluate, crossval, dataset (CSV input), tankfile (TOML files through tomlkit); the command line
is `minqing nlp learn | evaluate | classify | crossval` (or `python -m nlp`).
"""
