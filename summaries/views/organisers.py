"""Organisers' pages: the live progress board, one question across every delegation,
the exports for partners who offer technical assistance, and a session previewed as
delegations see it.

Each view finds the workshop through ``delegations.permissions.workshop_for_organiser``
(404 for delegation members), calls one selector or builder, and responds.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from delegations.models import Delegation
from delegations.permissions import session_for_preview, workshop_for_organiser
from sessions.i18n import content_language_name

from .. import charts
from ..exporters import FORMATS, PLAN_EXPORTERS, AnswersExport
from ..forms import answer_form_for
from ..selectors import content_language, session_preview
from ..selectors.aggregates import figures_chart
from ..selectors.answer_exports import answer_export_sessions
from ..selectors.board import progress_board
from ..selectors.compare import question_comparison
from ..selectors.filters import DelegationFilters
from ..selectors.plan_exports import cost_totals, export_overview
from .common import file_response

REFRESH_SECONDS = 5
LIVE_SAFETY_SECONDS = 60


def poll_login_required(view):
    """``login_required`` for a fragment that htmx polls: when the sign-in has expired,
    send the whole page to the sign-in page instead of swapping the form into the grid."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        login_url = redirect_to_login(request.headers.get("HX-Current-URL", "/")).url
        return HttpResponse(status=401, headers={"HX-Redirect": login_url})

    return wrapper


def _refresh_seconds(query):
    # ``?every=1`` makes the board poll faster (the browser test uses it).
    try:
        return min(max(int(query.get("every", REFRESH_SECONDS)), 1), 60)
    except ValueError:
        return REFRESH_SECONDS


def _board_context(request, workshop):
    filters = DelegationFilters.from_query(request.GET)
    refresh = _refresh_seconds(request.GET)
    # The poll keeps the page's filters and interval; a live board (live=1) is told when
    # something changed and polls only as a safety net.
    live = request.GET.get("live") == "1"
    params = {"kind": filters.kind, "language": filters.language, "live": "1" if live else ""}
    if refresh != REFRESH_SECONDS:
        params["every"] = refresh
    query = urlencode({key: value for key, value in params.items() if value})
    grid_url = reverse("summaries:board_grid", kwargs={"workshop": workshop.slug})
    return {
        "workshop": workshop,
        "board": progress_board(workshop=workshop, filters=filters),
        "refresh": refresh,
        "trigger": (
            f"portal-board-changed from:body, every {LIVE_SAFETY_SECONDS}s"
            if live
            else f"every {refresh}s"
        ),
        "every": params.get("every"),
        "filter_query": filters.query,
        "grid_url": f"{grid_url}?{query}" if query else grid_url,
        "kinds": Delegation.Kind.choices,
        "languages": settings.CONTENT_LANGUAGES,
    }


@login_required
@require_GET
def board(request, workshop):
    workshop = workshop_for_organiser(request.user, workshop)
    return render(request, "summaries/board.html", _board_context(request, workshop))


@poll_login_required
@require_GET
def board_grid(request, workshop):
    workshop = workshop_for_organiser(request.user, workshop)
    return render(request, "summaries/_board_grid.html", _board_context(request, workshop))


@login_required
@require_GET
def compare(request, workshop, session, number):
    workshop = workshop_for_organiser(request.user, workshop)
    filters = DelegationFilters.from_query(request.GET)
    comparison = question_comparison(
        workshop=workshop, session_code=session, number=number, filters=filters
    )
    return render(
        request,
        "summaries/compare.html",
        {
            "workshop": workshop,
            "comparison": comparison,
            "figures": comparison.figures,
            "chart": figures_chart(comparison.figures),
            "question": comparison.question,
            "session": comparison.question.session,
            "filters": filters,
            "filter_query": filters.query,
            "kinds": Delegation.Kind.choices,
            "languages": settings.CONTENT_LANGUAGES,
        },
    )


@login_required
@require_GET
def export_page(request, workshop):
    workshop = workshop_for_organiser(request.user, workshop)
    overview = export_overview(workshop=workshop)
    return render(
        request,
        "summaries/exports.html",
        {
            "workshop": workshop,
            "overview": overview,
            "area_chart": charts.bar_chart_svg(
                chart_id="area-chart-svg",
                title=_("TA requests per intervention area"),
                bars=[(label, requests) for label, requests, _actions in overview.by_area],
            ),
            "kind_chart": charts.bar_chart_svg(
                chart_id="kind-chart-svg",
                title=_("TA requests per kind of assistance"),
                bars=overview.by_kind,
            ),
            "answer_sessions": answer_export_sessions(workshop=workshop),
            "cost_totals": cost_totals(workshop=workshop),
        },
    )


@login_required
@require_GET
def export_file(request, workshop, table, fmt):
    workshop = workshop_for_organiser(request.user, workshop)
    if table not in PLAN_EXPORTERS or fmt not in FORMATS:
        raise Http404("No such export.")
    exporter = PLAN_EXPORTERS[table](
        workshop,
        link=lambda delegation: request.build_absolute_uri(delegation.get_absolute_url()),
    )
    return file_response(exporter.render(fmt))


@login_required
@require_GET
def answer_export_file(request, workshop, session, fmt):
    """Every answer of one session (drafts included), as CSV or XLSX."""
    workshop = workshop_for_organiser(request.user, workshop)
    session = session_for_preview(request.user, workshop, session)
    if fmt not in FORMATS:
        raise Http404("No such export.")
    exporter = AnswersExport(workshop, session=session, absolute_url=request.build_absolute_uri)
    return file_response(exporter.render(fmt))


@login_required
@require_GET
def session_preview_page(request, workshop, session):
    """A session as delegations see it, in the content language ``?lang=``, for
    facilitators and organisers (drafts included); 404 for everyone else."""
    workshop = workshop_for_organiser(request.user, workshop)
    session = session_for_preview(request.user, workshop, session)
    language = content_language(workshop, request.GET.get("lang"))
    page = session_preview(session=session, language=language)
    return render(
        request,
        "summaries/preview.html",
        {
            "workshop": workshop,
            "page": page,
            # Each question's controls as a delegation gets them, read-only and empty.
            "questions": [
                (
                    q,
                    answer_form_for(
                        q.question,
                        initial={"discussed": False, "language": language, "version": 0},
                        prefix=f"q{q.number}",
                        readonly=True,
                        stored={},
                        language=language,
                    ),
                )
                for q in page.questions
            ],
            "content_languages": [(c, content_language_name(c)) for c in workshop.language_codes],
        },
    )
