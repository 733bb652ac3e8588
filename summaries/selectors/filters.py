"""Which delegations an organiser's page lists (the board, compare): filters read
from the query string."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings

from delegations.models import Delegation


@dataclass(frozen=True)
class DelegationFilters:
    """Which delegations an organiser's page lists, from the query string.
    Unknown values are ignored (the page then lists every delegation)."""

    kind: str = ""
    language: str = ""

    @classmethod
    def from_query(cls, query):
        kind = query.get("kind", "")
        language = query.get("language", "")
        return cls(
            kind=kind if kind in Delegation.Kind.values else "",
            language=language if language in dict(settings.CONTENT_LANGUAGES) else "",
        )

    def apply(self, delegations):
        if self.kind:
            delegations = delegations.filter(kind=self.kind)
        if self.language:
            delegations = delegations.filter(language=self.language)
        return delegations

    @property
    def query(self):
        """The filters as a query string ("kind=province&language=vi"), "" when none."""
        params = {"kind": self.kind, "language": self.language}
        return urlencode({key: value for key, value in params.items() if value})
