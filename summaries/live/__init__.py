"""Live co-editing: the laptops of one delegation type into the same page at once.

Each editable page (a session's summary, the plan) is a Yjs document shared over a
WebSocket (Django Channels; ``consumer.py``), in the browser with Yjs and here with
pycrdt, the same update format. A unit's long texts are ``Y.Text``\\ s, its short and
typed fields entries of a ``Y.Map`` (``doc.py``), so that concurrent edits of different
cells never conflict. Every update received is kept (``store.py``, a snapshot and the
updates since, in the database), so a server killed while laptops type loses nothing it
acknowledged.

The versioned rows stay the one source of truth: when typing pauses, when a laptop
leaves and before a submit or a final plan, the document is written into them through
the editing core's one versioned write (``checkpoint.py``), as a new version naming
its writers; a change made outside the document (a restore, a save from a laptop
without WebSocket, a facilitator) is pushed into it. Who may write, and when, is asked of
``delegations.permissions`` as on every other path.
"""
