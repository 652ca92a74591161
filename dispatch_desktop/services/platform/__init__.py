"""Platform.

The database, its migrations, and live updates between consoles.
"""
