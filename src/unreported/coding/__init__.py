"""The coding stage: codebook, coding units, auto-coding with evidence (lexicon, embeddings,
supervised classifier) and the files other stages read from ``output/coding/``."""
