"""The supervisor's screens: review queue, outcomes, frequent utilizers and the dashboard.

Each screen is a self-contained widget taking the `AppContext` and the shared
`TaskRunner`; `SupervisorPanel` puts them in tabs for the main window.
"""

from dispatch_desktop.views.supervisor.panel import SupervisorPanel

__all__ = ["SupervisorPanel"]
