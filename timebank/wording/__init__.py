"""Words the application says about its own states, in the reader's language.

Below `services` and above `models`: services put these words into the refusals and messages they
raise or queue, and `web`, `api` and `cli` may use them too. Nothing here reads or writes the
database or imports from `services`, `web` or `api`; see docs/architecture.md.
"""
