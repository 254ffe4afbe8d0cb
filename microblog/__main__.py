"""`python -m microblog ARGS` is the `microblog` command line."""

import sys

from microblog.cli import main

sys.exit(main(sys.argv[1:]))
