"""Link.

The CAD and hub link, ingest of EIDO documents, and the worker that runs them.
"""
