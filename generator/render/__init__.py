"""Rendering: each page's view-model from one function, the templates, and every other file of a cable
(citations, data record, feeds)."""
