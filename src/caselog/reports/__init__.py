"""Reports at the edge: the inspection report, the weekly self-monitoring and the bundle.

`caselog report` renders one self-contained HTML page for an inspector (tillsyn, IVO),
`caselog weekly` the unit manager's weekly list (egenkontroll), `caselog bundle` one
verifiable archive of the log, the findings and the report. Jinja2 and matplotlib are
confined to this package (STYLE.md G8). It asks its questions of `caselog.api`; only the
bundle's checkpoint reads the hash chain's rows (`caselog.storage.chain`) itself.
"""
