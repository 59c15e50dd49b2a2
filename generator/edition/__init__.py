"""The edition: the editor's layer (notes, people, organisations, glossary, threads) joined to the cables,
and the cables linked into one Site (threads, references, indexes)."""
