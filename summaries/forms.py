"""Validation of what delegations type. The same rules apply to autosave and to
the plain form post, so a save behaves identically with or without JavaScript."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from common.text import block_count, line_count
from sessions import kinds
from sessions.forms import TypedTextField
from sessions.i18n import localized
from sessions.models import InterventionArea, content_language_choices

from .models import ActionItem, TARequest
from .services import long_fields

# Django's empty choice of a select (the plan page's area, kind, linked action): Django's
# own vi and th catalogues lack it, so the portal's catalogues carry it.
gettext_noop("- Select an option -")


def grouped(number):
    """``number`` grouped as the active language writes it (12 345, 12.345, 12,345)."""
    return number_format(number, force_grouping=True)


def check_text_limits(value, *, max_length, label):
    """Refuse text over ``max_length`` characters, ``settings.TEXT_MAX_LINES`` lines or
    ``settings.TEXT_MAX_BLOCKS`` paragraphs, with a message that says how long it is:
    a printed text costs by its lines as much as by its characters. Nothing is cut."""
    value = value or ""
    if len(value) > max_length:
        raise ValidationError(
            _(
                "%(label)s is too long: %(length)s characters, the limit is %(limit)s. "
                "Nothing was cut: your text is still in the box. Shorten it to save it."
            ),
            code="too_long",
            params={"label": label, "length": grouped(len(value)), "limit": grouped(max_length)},
        )
    lines, blocks = line_count(value), block_count(value)
    if lines > settings.TEXT_MAX_LINES:
        raise ValidationError(
            _(
                "%(label)s has too many lines: %(lines)s, the limit is %(limit)s. "
                "Nothing was cut: your text is still in the box. Join some lines to save it."
            ),
            code="too_many_lines",
            params={
                "label": label,
                "lines": grouped(lines),
                "limit": grouped(settings.TEXT_MAX_LINES),
            },
        )
    if blocks > settings.TEXT_MAX_BLOCKS:
        raise ValidationError(
            _(
                "%(label)s has too many paragraphs: %(blocks)s, the limit is %(limit)s. "
                "Nothing was cut: your text is still in the box. Join some paragraphs to "
                "save it."
            ),
            code="too_many_blocks",
            params={
                "label": label,
                "blocks": grouped(blocks),
                "limit": grouped(settings.TEXT_MAX_BLOCKS),
            },
        )
    return value


class UnitForm(forms.Form):
    """A form for one editable unit of the session page (an answer, the details): its
    fields are the unit's values (static/portal/editor/ reads every named control in
    the unit), plus the hidden version the values were based on. ``readonly`` renders
    the controls read-only (a closed or submitted summary, an organiser)."""

    version = forms.IntegerField(
        min_value=0, widget=forms.HiddenInput(attrs={"data-role": "version"})
    )

    def __init__(self, *args, readonly=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.readonly = readonly
        for name, field in self.fields.items():
            if name == "version" or not readonly:
                continue
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.Select)):
                widget.attrs["disabled"] = True
            else:
                widget.attrs["readonly"] = True

    def unit_values(self):
        """The unit's values by field name, as its controls hold them (see
        :func:`form_values`)."""
        values = {name: self[name].value() for name in self.fields if name != "version"}
        return {name: "" if value is None else value for name, value in values.items()}


class AnswerForm(UnitForm):
    """The answer to a free-text guidance question."""

    template_name = "summaries/forms/answer.html"

    discussed = forms.BooleanField(
        label=_("We discussed this question"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    text = TypedTextField(
        label=_("Answer"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "class": "form-control",
                "data-mergeable": "",
                "placeholder": _("Your delegation’s answer…"),
            }
        ),
    )
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=content_language_choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        text = self.fields["text"].widget.attrs
        # No maxlength: the browser would cut a paste silently (see PlanItemForm).
        text["data-max-length"] = settings.ANSWER_MAX_LENGTH
        if language := self["language"].value():
            text["lang"] = language

    def clean_text(self):
        return check_text_limits(
            self.cleaned_data.get("text"),
            max_length=settings.ANSWER_MAX_LENGTH,
            label=_("The answer"),
        )

    def answer_data(self):
        """The answer's values for ``services.answer_save``."""
        return {name: self.cleaned_data[name] for name in ("text", "discussed", "language")}


class SummaryDetailsForm(UnitForm):
    template_name = "summaries/forms/details.html"

    participants = TypedTextField(
        label=_("Participants"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "class": "form-control",
                "data-mergeable": "",
                "data-max-length": 5000,
            }
        ),
        help_text=_("Names and roles of the people in the discussion."),
    )
    rapporteur = TypedTextField(
        label=_("Rapporteur"),
        required=False,
        strip=False,
        one_line=True,
        widget=forms.TextInput(attrs={"class": "form-control", "data-max-length": 200}),
    )

    def clean_participants(self):
        return check_text_limits(
            self.cleaned_data.get("participants"), max_length=5000, label=_("Participants")
        )

    def clean_rapporteur(self):
        return check_text_limits(
            self.cleaned_data.get("rapporteur"), max_length=200, label=_("Rapporteur")
        )


def form_values(form):
    """A unit's values as the page's controls hold them, by field name (the JSON
    ``values`` of :func:`summaries.views.common.unit_json`); the version is apart."""
    if isinstance(form, UnitForm):
        return form.unit_values()
    values = {name: form[name].value() for name in form.fields if name != "version"}
    return {name: "" if value is None else value for name, value in values.items()}


class PlanItemForm(forms.ModelForm):
    """Shared by actions and TA requests: typed text cleaned the same way as answers,
    a hidden version for optimistic concurrency, and the long texts the server merges
    marked ``data-mergeable`` for the page's conflict view."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, delegation, **kwargs):
        kwargs.setdefault(
            "auto_id",
            f"id_{self.prefix_key}{kwargs.get('instance') and kwargs['instance'].pk or 'new'}_%s",
        )
        super().__init__(*args, **kwargs)
        self.delegation = delegation
        for name, field in list(self.fields.items()):
            if name == "version":
                continue
            if isinstance(field, forms.CharField) and not isinstance(field, TypedTextField):
                self.fields[name] = field = TypedTextField.like(field, strip=False)
            # No maxlength attribute: the browser would cut a paste silently. The page
            # counts against data-max-length and the server refuses what is over it.
            limit = field.widget.attrs.pop("maxlength", None)
            if isinstance(field, forms.CharField):
                field.widget.attrs["data-max-length"] = limit or settings.ANSWER_MAX_LENGTH
        if "intervention_area" in self.fields:
            self.fields["intervention_area"].queryset = InterventionArea.objects.order_by("order")
        for name in long_fields(self._meta.model):
            self.fields[name].widget.attrs["data-mergeable"] = ""
        self.fields[self._meta.model.MERGEABLE_FIELD].widget.attrs["rows"] = 3

    # The grid column of a field on the plan page (Bootstrap classes); others take half.
    COLUMNS = {
        "title": "col-12",
        "start_month": "col-6 col-md-3",
        "end_month": "col-6 col-md-3",
        "timeframe_months": "col-6 col-md-3",
        "priority": "col-6 col-md-3",
        "estimated_cost": "col-8 col-md-4",
        "currency": "col-4 col-md-2",
        "action": "col-md-4",
        "status": "col-md-2",
    }

    @property
    def laid_out(self):
        """``(bound field, column classes)`` in ``EDITABLE_FIELDS`` order, for the page."""
        mergeable = self._meta.model.MERGEABLE_FIELD
        return [
            (self[name], "col-12" if name == mergeable else self.COLUMNS.get(name, "col-md-6"))
            for name in self._meta.fields
        ]

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = check_text_limits(
                    value, max_length=settings.ANSWER_MAX_LENGTH, label=self.fields[name].label
                )
        return cleaned

    def item_data(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ActionItemForm(PlanItemForm):
    prefix_key = "action"

    class Meta:
        model = ActionItem
        fields = ActionItem.EDITABLE_FIELDS
        widgets = {"resources_needed": forms.Textarea(attrs={"rows": 2})}


class TARequestForm(PlanItemForm):
    prefix_key = "ta"

    class Meta:
        model = TARequest
        fields = TARequest.EDITABLE_FIELDS

    def __init__(self, *args, delegation, **kwargs):
        super().__init__(*args, delegation=delegation, **kwargs)
        self.fields["action"].queryset = ActionItem.objects.live().filter(delegation=delegation)


PLAN_FORMS = {"action": ActionItemForm, "ta": TARequestForm}


# --- one form per kind of question --------------------------------------------------
# ``answer_form_for`` is what the session page, the autosave endpoint and the plain
# form post use. Each form renders with its own template (``template_name``, included
# by the session page with the page's context); the structured kinds read and check
# their fields through ``sessions.kinds`` (the one place their shapes live).


class StructuredAnswerForm(UnitForm):
    """A structured answer: whether it was discussed, its language, its version, and
    the kind's own fields (``sessions.kinds`` flattened names), of which only those
    posted are saved; the others keep their stored values. The kind's controls are
    written by its template (their names are the flattened names, which
    static/portal/editor/controls.js reads like any other control)."""

    discussed = AnswerForm.base_fields["discussed"]
    language = AnswerForm.base_fields["language"]

    def __init__(self, *args, question, stored=None, language=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.stored = stored or {}  # the answer's data, for the controls to show
        self.content_language = language  # of option labels and source names

    def answer_data(self):
        """The answer's values for ``services.answer_save``."""
        data = self.cleaned_data
        return {
            "text": "",
            "discussed": data["discussed"],
            "language": data["language"],
            "posted": data["posted"],
        }

    def unit_values(self):
        """``discussed`` and ``language``, then the kind's flattened fields as the
        controls show them (lists for the checkbox groups and rows)."""
        return {**super().unit_values(), **self.shown}

    def as_text(self):
        """The stored answer as it reads (chosen options, shares, milestones)."""
        return kinds.as_text(self.question, self.stored)

    def localized(self, obj, name):
        language = self.content_language or translation.get_language()
        return localized(obj, name, language)

    def posted_values(self):
        """What was posted for the kind's fields: lists for the list fields (empty
        strings, sent by the hidden marker of an all-unticked list, left out)."""
        lists = kinds.list_fields(self.question)
        posted = {}
        start = len(self.add_prefix(""))
        for key in self.data:
            if self.prefix and not key.startswith(self.add_prefix("")):
                continue
            name = key[start:] if self.prefix else key
            if name in lists:
                posted[name] = [v for v in self.data.getlist(key) if v]
            elif kinds.field_names_posted(self.question, [name]):
                posted[name] = self.data.get(key)
        return posted

    def clean(self):
        cleaned = super().clean()
        posted = self.posted_values()
        try:
            kinds.parse_fields(self.question, posted, current=self.stored)
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                for message in messages:
                    self.add_error(None, message)
        cleaned["posted"] = posted
        return cleaned

    # What the controls show: after a refused post, what was typed; else the stored value.
    @property
    def shown(self):
        values = kinds.to_fields(self.question, self.stored)
        if self.is_bound:
            values.update(self.posted_values())
        return values


class ChoiceAnswerForm(StructuredAnswerForm):
    template_name = "summaries/forms/answer_choice.html"

    @property
    def note_label(self):
        return self.localized(self.question, "option_note_label")

    def controls(self):
        """One row per option: the option, whether it is ticked, its note."""
        shown = self.shown
        chosen = set(shown.get("chosen") or [])
        return [
            {
                "option": option,
                "label": self.localized(option, "label"),
                "checked": option.code in chosen,
                "note": shown.get(f"note{kinds.SEP}{option.code}") or "",
                "note_name": f"note{kinds.SEP}{option.code}",
            }
            for option in kinds.options(self.question)
        ]


class FinancingAnswerForm(StructuredAnswerForm):
    template_name = "summaries/forms/answer_financing.html"

    def controls(self):
        """One row per financing source: its name, a cell per column, its note."""
        shown = self.shown
        columns = kinds.financing_columns(self.question)
        names = {
            source.code: self.localized(source, "name") for source in kinds.financing_sources()
        }
        codes = [*names]
        codes += [
            name.split(kinds.SEP, 1)[1]
            for name in shown
            if name.startswith("note" + kinds.SEP) and name.split(kinds.SEP, 1)[1] not in names
        ]
        return [
            {
                "code": code,
                "name": names.get(code, code),
                "cells": [
                    {
                        "name": f"{column}{kinds.SEP}{code}",
                        "label": kinds.column_label(column),
                        "value": _number_text(shown.get(f"{column}{kinds.SEP}{code}")),
                    }
                    for column in columns
                ],
                "note_name": f"note{kinds.SEP}{code}",
                "note": shown.get(f"note{kinds.SEP}{code}") or "",
            }
            for code in codes
        ]

    def column_labels(self):
        return [kinds.column_label(column) for column in kinds.financing_columns(self.question)]

    @property
    def is_percent(self):
        return self.question.financing_unit == self.question.FinancingUnit.PERCENT

    @property
    def flag(self):
        return kinds.financing_flag(self.question, self.stored)

    @property
    def totals(self):
        """The saved total of each column (formatted), or ``()`` when nothing is saved."""
        totals = kinds.display(self.question, self.stored).totals
        return totals[1:-1] if totals else ()

    @property
    def total_cells(self):
        """The footer's cell of each column: its saved total, or "" before a save (the
        page fills them after each save)."""
        return self.totals or ("",) * len(self.column_labels())


def _number_text(value):
    if value is None:
        return ""
    return value if isinstance(value, str) else number_format(value, use_l10n=False)


class MilestonesAnswerForm(StructuredAnswerForm):
    template_name = "summaries/forms/answer_milestones.html"
    BLANK_ROWS = 3

    def controls(self):
        """The rows shown: the stored (or posted) ones, then blank rows with new keys."""
        shown = self.shown
        keys = list(shown.get("rows") or [])
        try:
            version = max(int(self["version"].value() or 0), 0)
        except (TypeError, ValueError):
            version = 0
        blank = [
            key
            for key in (kinds.new_row_key(version, i) for i in range(1, self.BLANK_ROWS + 1))
            if key not in keys
        ]
        return [
            {
                "key": key,
                "milestone": shown.get(f"milestone{kinds.SEP}{key}") or "",
                "month": _number_text(shown.get(f"month{kinds.SEP}{key}")),
                "responsible": shown.get(f"responsible{kinds.SEP}{key}") or "",
                "new": key in blank,
            }
            for key in [*keys, *blank]
        ]

    def months(self):
        return range(1, kinds.PLAN_HORIZON_MONTHS + 1)


ANSWER_FORMS = {
    "text": AnswerForm,
    "choice": ChoiceAnswerForm,
    "financing": FinancingAnswerForm,
    "milestones": MilestonesAnswerForm,
}


def answer_form_for(
    question, *, data=None, initial=None, prefix=None, readonly=False, stored=None, language=None
):
    """The form for an answer to ``question``, of the class its kind asks for: the one
    place that picks a form class by the question's kind (each kind's class renders
    itself with its ``template_name``). ``stored`` is the answer's ``data``
    (structured kinds), so that controls show it and fields not posted keep it;
    ``language`` is the language of option labels and source names."""
    form_class = ANSWER_FORMS[question.kind]
    kwargs = {"initial": initial, "prefix": prefix, "question": question, "readonly": readonly}
    if form_class is not AnswerForm:
        kwargs.update(stored=stored, language=language)
    return form_class(data, **kwargs)


def answer_initial(answer, delegation):
    """The answer's values as its form shows them (a question not answered yet: empty,
    in the delegation's language)."""
    if answer is None:
        return {"text": "", "discussed": False, "language": delegation.language, "version": 0}
    return {
        "text": answer.text,
        "discussed": answer.discussed,
        "language": answer.language or delegation.language,
        "version": answer.version,
    }


def stored_answer_form(question, answer, delegation, *, language=None, **kwargs):
    """The form showing ``answer`` (maybe ``None``) to ``question``, of its kind."""
    return answer_form_for(
        question,
        initial=answer_initial(answer, delegation),
        stored=answer.data if answer else {},
        language=language,
        **kwargs,
    )


def details_initial(summary):
    """A summary's details (participants, rapporteur) as their form shows them."""
    return {
        "participants": summary.participants,
        "rapporteur": summary.rapporteur,
        "version": summary.version,
    }
