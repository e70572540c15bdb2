"""Entry point: ``python -m assistant <command> ...`` (see assistant/cli.py)."""

import sys

from assistant.cli import main

sys.exit(main())
