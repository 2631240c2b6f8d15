"""`python -m caselog.reference [DOCS]`: regenerate the reference pages."""

from caselog.reference import main

main()
