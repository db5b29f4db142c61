"""`python -m podesk` is the `podesk` command."""
from podesk.cli import main

main()
