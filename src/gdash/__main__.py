"""`python -m gdash` runs the CLI, as the `gdash` script does."""
from .cli import main

main(prog_name="gdash")
