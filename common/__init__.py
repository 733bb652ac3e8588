"""The ground floor: what every app shares and none owns, importing no app and nothing
of the shell (``workshop_portal``).

- ``common.pdf``: the PDF engine (WeasyPrint with the shipped fonts, a fetcher that
  reads nothing else, the sandboxed child process, the compendium joiner, the Thai
  text-layer fix);
- ``common.text``: typed text cleaned, counted, cut and segmented (ICU);
- ``common.request_guards``: bad request bodies and parameters refused with a 4xx.

``pyproject.toml``'s import-linter contracts keep it so: the apps import it, it
imports none of them.
"""
