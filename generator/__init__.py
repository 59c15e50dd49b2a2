"""Cable edition: a static site generator for diplomatic cables as a documentary edition."""

__version__ = "0.1.0"
