"""Helpers shared by the delegation views."""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from ..exports import attachment_disposition
from ..forms import form_values
from ..merge import conflict_highlights


def json_login_required(view):
    """Like ``login_required``, but answers 401 in JSON so the page can keep the
    unsent text and ask the user to sign in again, instead of following a redirect."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse(
                {
                    "error": _(
                        "You have been signed out. Your text is kept in this browser: "
                        "sign in again and it will be offered back."
                    ),
                    "login_url": redirect_to_login(request.headers.get("Referer", "/")).url,
                },
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapper


def flat_errors(form):
    return [str(error) for errors in form.errors.values() for error in errors]


def unit_json(
    values, *, version, saved_at=None, saved_by=None, merged_from=(), flag=None, figures=()
):
    """The one JSON shape of every editable unit (an answer, a summary's details, a plan
    item), read by static/portal/editor/: its ``values`` by form field name (a field
    with several values is a list), the ``version`` they are, when and by whom they
    were saved, and ``merged_from``, the fields that (in part) came from another
    laptop's save merged into this one. Only when there is one, ``flag``: what is odd
    about the saved values, saved anyway (a financing mix whose shares do not add up to
    100 %); ``figures``, what the page shows computed from them (a financing mix's
    totals per column, formatted), in order."""
    body = {
        "version": version,
        "values": values,
        "saved_at": saved_at.isoformat() if saved_at else None,
        "saved_by": saved_by.get_username() if saved_by else "",
        "merged_from": list(merged_from),
    }
    if flag:
        body["flag"] = flag
    if figures:
        body["figures"] = list(figures)
    return body


def stale_refusal(current, merge=None):
    """409 for a save based on an old version that could not be merged: what the
    server holds now (``current``, the unit's JSON), and, field by field, both values
    where the two saves conflict and every other field already merged; for a long
    text, ``sentences`` gives both texts as ``[piece, marked]`` parts, the sentence
    both laptops changed marked."""
    return JsonResponse(
        {
            "error": _(
                "Someone else saved this while you were typing. "
                "Both texts are shown: merge them, then save."
            ),
            "current": current,
            "conflicts": merge.conflicts if merge else {},
            "merged": merge.values if merge else {},
            "sentences": conflict_highlights(merge),
        },
        status=409,
    )


def closed_refusal(exc):
    """403 for a write the session no longer accepts, with the translated reason."""
    return JsonResponse({"error": exc.reason, "closed": True}, status=403)


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def file_response(output):
    """A download of a :class:`~common.pdf.RenderedFile`, named as its
    renderer named it."""
    name, _dot, extension = output.filename.rpartition(".")
    return HttpResponse(
        output.content,
        content_type=output.content_type,
        headers={"Content-Disposition": attachment_disposition(name, extension)},
    )


@dataclass(frozen=True)
class ConflictField:
    """A field the server holds differently from what was posted, as the page without
    JavaScript shows it: its ``label``, the saved ``value`` and, for a long text whose
    same sentence both laptops changed, both texts as ``(piece, marked)`` parts."""

    label: str
    value: object
    theirs: tuple = ()
    mine: tuple = ()


def conflicting_fields(form, current_form, merge=None):
    """:class:`ConflictField` of each field the server holds (``current_form``)
    differently from what was posted (``form``), for the page without JavaScript to
    show beside the posted text; a structured answer's own fields (options, shares,
    milestones) as one entry, the saved answer as it reads. ``merge`` (the refused
    save's :class:`~summaries.merge.Merge`) marks the sentences both changed."""
    mine = form_values(form)
    theirs = form_values(current_form)
    highlights = conflict_highlights(merge)
    differing = [name for name, value in theirs.items() if _text(value) != _text(mine.get(name))]
    shown = tuple(
        ConflictField(
            current_form[name].label,
            _shown(current_form.fields[name], theirs[name]),
            **{side: tuple(parts) for side, parts in highlights.get(name, {}).items()},
        )
        for name in differing
        if name in current_form.fields
    )
    if any(name not in current_form.fields for name in differing):
        shown += (ConflictField(_("Answer"), current_form.as_text()),)
    return shown


def _text(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    return str(value)


def _shown(field, value):
    """A field's value as a person reads it: a choice's label, yes or no."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return dict(getattr(field, "choices", ())).get(value, value)


def writer_of(request):
    """The writer the laptop names (``writer``, static/portal/live/writer.js), cleaned."""
    from common.text import clean_typed_line

    return (clean_typed_line(request.POST.get("writer", "")) or "").strip()[:80]
