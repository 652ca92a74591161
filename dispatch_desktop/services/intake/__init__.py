"""Intake and classification.

A call's record from CAD or keyboard, the lexicon and the classifier.
"""
