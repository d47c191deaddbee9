#!/usr/bin/env python
from pcmd.cli import main

if __name__ == "__main__":
    main()
