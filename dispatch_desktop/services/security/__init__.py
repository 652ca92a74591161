"""Security.

Sign-in and roles, the audit chain, field encryption and keys, secrets, retention.
"""
