"""Allow `python -m dispatch_desktop`."""

from dispatch_desktop.cli import main

raise SystemExit(main())
