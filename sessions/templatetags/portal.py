from django import template

from sessions.i18n import content_language_name

register = template.Library()


@register.filter
def content_language(code):
    """The name of a content language, in that language (e.g. "Tiếng Việt")."""
    return content_language_name(code)
