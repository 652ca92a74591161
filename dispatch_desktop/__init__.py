"""dispatch-desktop: a behavioral-health triage and routing console that sits beside CAD."""

__version__ = "0.1.0"
APP_NAME = "dispatch-desktop"
