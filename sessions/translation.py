from modeltranslation.translator import TranslationOptions, register

from .models import (
    FinancingSource,
    GuidanceQuestion,
    InterventionArea,
    QuestionOption,
    Session,
    Workshop,
)


@register(Workshop)
class WorkshopTranslationOptions(TranslationOptions):
    fields = ("title", "description", "venue")


@register(InterventionArea)
class InterventionAreaTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Session)
class SessionTranslationOptions(TranslationOptions):
    fields = ("title", "guidance", "instructions")


@register(GuidanceQuestion)
class GuidanceQuestionTranslationOptions(TranslationOptions):
    fields = ("text", "help_text", "option_note_label")


@register(QuestionOption)
class QuestionOptionTranslationOptions(TranslationOptions):
    fields = ("label",)


@register(FinancingSource)
class FinancingSourceTranslationOptions(TranslationOptions):
    fields = ("name",)
