"""Routing.

The agency's written policy, the unit roster, and the recommendation.
"""
