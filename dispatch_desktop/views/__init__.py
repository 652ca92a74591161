"""What the dispatcher sees: Qt widgets, item models, dialogs and the task runner. Thin."""
