"""Supervision.

Review of routing and overrides, outcomes, metrics, the program report, utilizers.
"""
