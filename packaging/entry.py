"""Entry point of the frozen build (PyInstaller): the same `main` as `dispatch-desktop`.

`freeze_support` comes first: the console runs its pipeline in a spawned worker process,
and a frozen program is its own interpreter, so the child re-enters here and must be
routed to the worker instead of opening a second console.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from dispatch_desktop.cli import main

    raise SystemExit(main())
