"""``python -m gdash``: the same command line as ``gdash``."""
from .cli import main

main(prog_name="gdash")
