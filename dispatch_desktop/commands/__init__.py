"""CLI subcommands, one module per group, discovered by dispatch_desktop/cli.py."""
