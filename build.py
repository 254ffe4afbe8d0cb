"""`python build.py ARGS` is the `microblog` command line (building by default)."""

import sys

from microblog.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
