"""Entry point: ``python -m assistant <command> ...`` (see assistant/commands/cli.py)."""

import sys

from assistant.commands.cli import main

sys.exit(main())
