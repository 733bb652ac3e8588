"""Static files with hashed names, ES module imports included."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed, hashed files, with the ``import … from "./x.js"`` of the
    page's ES modules (static/portal/editor/) rewritten to the hashed names too: a page
    never runs a new main.js with an old module from the browser's cache."""

    support_js_module_import_aggregation = True
