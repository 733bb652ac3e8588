"""The workshop's spreadsheets, one object each (as pretix's ``BaseExporter``): what it
holds, its name and title, and ``render(fmt)``, the file itself as a ``RenderedFile``
(file name, content type, bytes). The exports page, the downloads and the bundle list
exporters; none of them builds a file.

Callers have checked access (``delegations.permissions.workshop_for_organiser``).
``link(delegation)`` / ``absolute_url(path)`` make the links back to the portal
absolute (the request's host, or the bundle's base address).
"""

from django.utils.text import slugify

from common.pdf import RenderedFile
from delegations import permissions
from sessions.models import Session

from . import exports
from .selectors.answer_exports import answer_export_sessions, answer_workbook
from .selectors.plan_exports import action_workbook, ta_request_workbook

FORMATS = {
    "csv": (exports.table_csv, exports.CSV_CONTENT_TYPE),
    "xlsx": (exports.table_xlsx, exports.XLSX_CONTENT_TYPE),
}


class Exporter:
    """One spreadsheet of ``workshop``: ``name`` identifies it (the ZIP's member names),
    ``workbook()`` is its data (``exports.ExportWorkbook``), ``render(fmt)`` its file in
    ``FORMATS``: the CSV holds the rows, the XLSX also the summary sheets and charts."""

    name = ""

    def __init__(self, workshop):
        self.workshop = workshop

    def workbook(self):
        raise NotImplementedError

    def render(self, fmt, workbook=None):
        """The file in ``fmt``, named after the workshop and the table as written
        (any script; the download gives old clients an ASCII name)."""
        build, content_type = FORMATS[fmt]
        workbook = workbook or self.workbook()
        filename = f"{self.workshop.title} - {workbook.table.title}.{fmt}"
        return RenderedFile(filename, content_type, build(workbook))

    def archive_files(self):
        """``(name in the bundle's ZIP, bytes)`` of each format, from one workbook."""
        workbook = self.workbook()
        return [
            (f"{self.workshop.slug}_{self.name}.{fmt}", self.render(fmt, workbook).content)
            for fmt in FORMATS
        ]


class TARequestsExport(Exporter):
    """Every TA request of the workshop, for partners who offer assistance."""

    name = "ta-requests"

    def __init__(self, workshop, *, link):
        super().__init__(workshop)
        self.link = link

    def workbook(self):
        return ta_request_workbook(workshop=self.workshop, link=self.link)


class ActionsExport(TARequestsExport):
    """Every action of the workshop's plans."""

    name = "actions"

    def workbook(self):
        return action_workbook(workshop=self.workshop, link=self.link)


class AnswersExport(Exporter):
    """Every answer of one session, drafts included."""

    def __init__(self, workshop, *, session, absolute_url):
        super().__init__(workshop)
        self.session = session
        self.absolute_url = absolute_url
        self.name = f"answers-{slugify(session.code)}"

    def workbook(self):
        return answer_workbook(
            workshop=self.workshop, session=self.session, absolute_url=self.absolute_url
        )


PLAN_EXPORTERS = {"ta-requests": TARequestsExport, "actions": ActionsExport}


def workshop_exporters(workshop, *, base_url=""):
    """The exporters of the bundle: TA requests and actions when the workshop has a Day
    3, and the answers of every session members can see that has questions."""
    exporters = []
    if permissions.action_planning_session(workshop.pk) is not None:
        link = lambda delegation: base_url + delegation.get_absolute_url()  # noqa: E731
        exporters += [exporter(workshop, link=link) for exporter in PLAN_EXPORTERS.values()]
    sessions = answer_export_sessions(workshop=workshop).exclude(status=Session.Status.DRAFT)
    exporters += [
        AnswersExport(workshop, session=session, absolute_url=lambda path: base_url + path)
        for session in sessions
    ]
    return exporters
