"""`pcmd <command>`: manage.py for an installed PCMD."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings")
    from django.core.management import execute_from_command_line

    # Commands are named with dashes on the command line (pcmd seed-demo) and underscores in code.
    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
