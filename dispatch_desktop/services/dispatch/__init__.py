"""Dispatch.

Calls, the triage pipeline, the dispatcher's decision and assignment, claims, the outbox.
"""
