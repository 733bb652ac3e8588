"""Answers to guidance questions: one form per kind of question (free text, choice,
financing, milestones), the one function that picks it, and its initial values."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from sessions import kinds
from sessions.forms import TypedTextField
from sessions.i18n import localized
from sessions.models import content_language_choices

from .limits import check_text_limits
from .units import UnitForm


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
