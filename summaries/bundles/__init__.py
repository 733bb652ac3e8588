"""The organisers' bundle of a whole workshop: every delegation's PDFs (through the
cache of ``summaries.pdf.cache``), a compendium and the spreadsheets, as one ZIP kept
in the database.

The bundle runs as background tasks (``summaries.tasks``): one that starts it, one
per delegation (so every running ``db_worker`` takes a share), and the last of those
assembles the ZIP. Progress is recorded on the ``Bundle`` row; at most one bundle
runs per workshop at a time.

What it holds is decided in ``contents``, how it progresses in ``progress``, and how
its ZIP is written and served in ``assembly``.
"""

from .assembly import (
    BUNDLES_KEPT,
    COMPENDIUM_FILES,
    COMPENDIUM_TITLES,
    bundle_assemble,
    bundle_prune,
    bundle_zip,
    bundle_zip_chunks,
    bundle_zip_size,
)
from .contents import BundleContents, bundle_contents, workshop_spreadsheets
from .progress import (
    BUNDLE_GIVE_UP_AFTER,
    PART_LEASE,
    RUNNING,
    bundle_fail,
    bundle_heal,
    bundle_is_stalled,
    bundle_last_moved,
    bundle_part_release,
    bundle_part_renew,
    bundle_prepare,
    bundle_render_part,
    bundle_request,
    bundle_retry,
    bundle_stalled_after,
)

__all__ = [
    "BUNDLES_KEPT",
    "BUNDLE_GIVE_UP_AFTER",
    "COMPENDIUM_FILES",
    "COMPENDIUM_TITLES",
    "PART_LEASE",
    "RUNNING",
    "BundleContents",
    "bundle_assemble",
    "bundle_contents",
    "bundle_fail",
    "bundle_heal",
    "bundle_is_stalled",
    "bundle_last_moved",
    "bundle_part_release",
    "bundle_part_renew",
    "bundle_prepare",
    "bundle_prune",
    "bundle_render_part",
    "bundle_request",
    "bundle_retry",
    "bundle_stalled_after",
    "bundle_zip",
    "bundle_zip_chunks",
    "bundle_zip_size",
    "workshop_spreadsheets",
]
