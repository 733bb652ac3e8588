"""One question across every delegation of a workshop (the compare page), with the
figures of the whole room for a structured question. Callers have checked access with
``delegations.permissions.workshop_for_organiser``."""

from dataclasses import dataclass

from django.http import Http404

from delegations.models import Delegation
from sessions import kinds
from sessions.i18n import localized
from sessions.models import GuidanceQuestion

from ..models import Answer
from .aggregates import question_figures
from .filters import DelegationFilters


@dataclass(frozen=True)
class ComparedAnswer:
    delegation: Delegation
    answer: Answer | None
    text: str  # as written; a structured answer as its readable lines

    @property
    def language(self):
        """The language the answer is written in (the delegation's when not recorded)."""
        return (self.answer.language if self.answer else "") or self.delegation.language


@dataclass(frozen=True)
class Comparison:
    question: GuidanceQuestion
    texts: tuple  # ((language, Localized), ...): the question in each workshop language it has
    entries: tuple  # one ComparedAnswer per delegation, answered or not
    numbers: tuple  # the session's question numbers, for previous / next
    figures: object = None  # a structured question's counts, mixes or timeline (aggregates)

    @property
    def answered(self):
        return sum(1 for entry in self.entries if entry.text)

    def _neighbour(self, step):
        index = self.numbers.index(self.question.number) + step
        return self.numbers[index] if 0 <= index < len(self.numbers) else None

    @property
    def previous_number(self):
        return self._neighbour(-1)

    @property
    def next_number(self):
        return self._neighbour(1)


def question_comparison(*, workshop, session_code, number, filters=None):
    """Question ``number`` of session ``session_code`` with every delegation's answer
    (delegations that passed ``filters``, in name order) and, for a structured
    question, the figures of the whole room (:mod:`.aggregates`); 404 if there is no
    such question. Five queries (six for a financing mix) whatever the number of
    delegations."""
    filters = filters or DelegationFilters()
    question = (
        GuidanceQuestion.objects.filter(
            session__workshop=workshop, session__code=session_code, number=number
        )
        .select_related("session")
        .prefetch_related("options")
        .first()
    )
    if question is None:
        raise Http404("No such question.")
    delegations = list(
        filters.apply(Delegation.objects.filter(workshop=workshop)).select_related("workshop")
    )
    answers = {
        answer.summary.delegation_id: answer
        for answer in Answer.objects.filter(
            question=question, summary__delegation__in=[d.pk for d in delegations]
        ).select_related("summary")
    }
    sources = kinds.financing_sources() if question.kind == GuidanceQuestion.Kind.FINANCING else []
    pairs = [(delegation, answers.get(delegation.pk)) for delegation in delegations]

    def shown(answer):
        if answer is None:
            return ""
        if kinds.is_structured(question):
            shown = kinds.as_text(question, answer.data, sources=sources)
            return "\n".join(part for part in (shown, answer.text.strip()) if part)
        return answer.text.strip()

    fallbacks = (workshop.default_language,)
    return Comparison(
        question=question,
        texts=tuple(
            (code, text)
            for code in workshop.language_codes
            if (text := localized(question, "text", code, fallbacks)).text and text.language == code
        ),
        entries=tuple(ComparedAnswer(d, answer, shown(answer)) for d, answer in pairs),
        numbers=tuple(question.session.questions.values_list("number", flat=True)),
        figures=question_figures(question, pairs, sources=sources),
    )
