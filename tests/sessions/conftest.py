"""The kinds fixtures (tests/summaries/kinds) and the admin's signed-in clients."""

from tests.admin.conftest import facilitator_client, staff_groups  # noqa: F401
from tests.summaries.kinds.conftest import (  # noqa: F401
    area,
    choice_question,
    financing_question,
    milestones_question,
)
