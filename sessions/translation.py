from modeltranslation.translator import TranslationOptions, register

from .models import GuidanceQuestion, InterventionArea, Session, Workshop


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
    fields = ("text", "help_text")
