//! Shipped word lists and gazetteers (models/lexicon/), embedded in the binary and loaded once.
