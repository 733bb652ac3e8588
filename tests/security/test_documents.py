"""What members see is what the PDFs show: a session set back to draft leaves them."""

from sessions.models import Session
from summaries import services as summary_services
from summaries.pdf.documents import plan_document


def write_answer(member, delegation, session, text):
    summary_services.answer_save(
        delegation=delegation,
        question=session.questions.get(number=4),
        data=summary_services.AnswerInput(text=text, discussed=True, language="fr", base_version=0),
        user=member,
    )


def test_plan_document_leaves_out_a_session_set_back_to_draft(member_a, delegation_a, session):
    write_answer(member_a, delegation_a, session, "Le budget dépend des partenaires.")
    shown = [entry.code for entry in plan_document(delegation=delegation_a).sessions]
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.DRAFT, title_fr="Titre pas encore prêt"
    )
    hidden = [entry.code for entry in plan_document(delegation=delegation_a).sessions]
    assert (shown, hidden) == (["V"], [])
