"""Handoff.

The responder's one-page sheet, built from the call and rendered to PDF.
"""
