"""Registry and lookup.

The consent-based person registry, its imports, plans and fuzzy lookup.
"""
