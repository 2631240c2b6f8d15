"""The law as pure, replayable functions: one function per duty (DESIGN.md D7–D10).

Each rule takes a `RuleContext` — the as-of view of one stream and the streams it refers
to, the date `on` and the routine settings — and yields obligations. No I/O, no clock:
the same view always gives the same verdicts.
"""
