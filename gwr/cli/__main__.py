"""`python -m gwr.cli`: the same as the `gwr` console script."""

from gwr.cli import main

main()
