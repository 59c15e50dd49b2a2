"""Building: what is stale, rendered on every core, indexed for search and swapped into site/ at once."""
