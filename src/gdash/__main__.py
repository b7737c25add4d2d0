"""`python -m gdash` runs the CLI, as the `gdash` script does."""

from .launch import main

main()
