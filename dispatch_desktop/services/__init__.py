"""What the app does: classify, match, route, decide, print, measure, audit, sync. No Qt."""
