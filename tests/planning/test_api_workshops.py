"""The planning API for workshops and the board: the same services and checks as the pages;
another organisation's workshop is 404, a role that may not is 403, a locked workshop or a
closed step is 409, input off the schema is 422 naming the field."""

from datetime import date

from lom.planning import services as ps
from lom.planning.models import FactorCard, Step, Workshop, WorkshopParticipant
from tests.planning.api_helpers import call
from tests.planning.test_planning import new_workshop, run_workshop

W = "/workshops/{}"


def test_coordinator_creates_a_workshop_and_the_invited_read_its_board(w):
    r = call(
        w.coordinator,
        "POST",
        "/workshops",
        {
            "title": "Omvärlden 2027",
            "held_on": date.today().isoformat(),
            "participant_ids": [w.union_rep.pk],
            "usernames": [w.employee.username],
        },
    )
    assert r.status_code == 201, r.content
    board = r.json()
    assert board["step"] == "factors" and board["facilitator"] and not board["is_locked"]
    assert {p["user_id"] for p in board["participants"]} == {
        w.coordinator.pk,
        w.union_rep.pk,
        w.employee.pk,
    }
    # The invited see it in their list and read the board; the others do not see it at all.
    page = call(w.employee, "GET", "/workshops").json()
    assert [ws["id"] for ws in page["items"]] == [board["id"]] and page["next_cursor"] is None
    assert call(w.employee, "GET", W.format(board["id"])).json()["facilitator"] is False
    assert call(w.auditor, "GET", W.format(board["id"])).status_code == 404


def test_workshop_list_is_paged_with_a_cursor(w):
    for i in range(3):
        new_workshop(w, title=f"W{i}")
    first = call(w.coordinator, "GET", "/workshops?limit=2").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = call(w.coordinator, "GET", f"/workshops?limit=2&cursor={first['next_cursor']}").json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    ids = [x["id"] for x in first["items"] + rest["items"]]
    assert len(set(ids)) == 3


def test_only_coordinators_and_admins_create_workshops(w):
    r = call(w.manager, "POST", "/workshops", {"title": "X", "held_on": "2026-05-01"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert not Workshop.objects.filter(title="X").exists()


def test_bad_input_is_422_naming_the_field(w):
    r = call(w.coordinator, "POST", "/workshops", {"title": "", "held_on": "2026-05-01"})
    assert r.status_code == 422 and r.json()["field"] == "title"
    ws = new_workshop(w)
    r = call(w.coordinator, "PUT", W.format(ws.pk) + "/step", {"step": "dancing"})
    assert r.status_code == 422 and r.json()["field"] == "step"
    r = call(w.coordinator, "PUT", W.format(ws.pk) + "/timebox", {"minutes": 241})
    assert r.status_code == 422 and r.json()["field"] == "minutes"
    r = call(w.employee, "POST", W.format(ws.pk) + "/cards", {"text": "x" * 301})
    assert r.status_code == 422 and r.json()["field"] == "text"


def test_another_organisations_workshop_is_not_found(w, other_world):
    ws = new_workshop(w)
    outsider = other_world.coordinator
    for method, path, body in (
        ("GET", W.format(ws.pk), None),
        ("GET", W.format(ws.pk) + "/result", None),
        ("GET", W.format(ws.pk) + "/result.pdf", None),
        ("PUT", W.format(ws.pk) + "/step", {"step": "sort"}),
        ("POST", W.format(ws.pk) + "/cards", {"text": "In"}),
        ("POST", W.format(ws.pk) + "/lock", None),
    ):
        r = call(outsider, method, path, body)
        assert r.status_code == 404, (method, path)
        assert r.json()["code"] == "not_found"


def test_the_facilitator_leads_and_participants_write_in_the_current_step(w):
    ws = new_workshop(w)
    url = W.format(ws.pk)
    # A participant may not lead: 403.
    assert call(w.employee, "PUT", url + "/step", {"step": "sort"}).status_code == 403
    assert call(w.employee, "PUT", url + "/timebox", {"minutes": 10}).status_code == 403
    card = call(w.employee, "POST", url + "/cards", {"text": "AI i handläggningen"})
    assert card.status_code == 201 and card.json()["author_id"] == w.employee.pk
    r = call(w.coordinator, "PUT", url + "/step", {"step": "sort"})
    assert r.status_code == 200 and r.json()["step"] == "sort"
    r = call(w.coordinator, "PUT", url + "/timebox", {"minutes": 20})
    assert r.status_code == 200 and r.json()["step_ends_at"]
    # The factors step is over for participants: 409 (the state refuses, not the role).
    late = call(w.employee, "POST", url + "/cards", {"text": "Sent kort"})
    assert late.status_code == 409 and late.json()["code"] == "state"
    area = call(w.union_rep, "POST", url + "/areas", {"name": "Digitalisering"})
    assert area.status_code == 201
    moved = call(
        w.employee,
        "PUT",
        url + f"/cards/{card.json()['id']}/position",
        {"area_id": area.json()["id"]},
    )
    assert moved.status_code == 200 and moved.json()["area_id"] == area.json()["id"]
    assert FactorCard.objects.get(pk=card.json()["id"]).area_id == area.json()["id"]
    # An area of another workshop is refused naming the field.
    other = new_workshop(w, title="Annan")
    ps.workshop_set_step(actor=w.actor(w.coordinator), workshop=other, step=Step.SORT)
    foreign = ps.area_add(actor=w.actor(w.coordinator), workshop=other, name="Främmande")
    r = call(
        w.employee, "PUT", url + f"/cards/{card.json()['id']}/position", {"area_id": foreign.pk}
    )
    assert r.status_code == 400 and r.json()["field"] == "area_id"
    # A card that is not on the board: 404.
    assert call(w.employee, "DELETE", url + "/cards/999999").status_code == 404


def test_needs_proposals_and_closing_words_through_the_api(w):
    ws = new_workshop(w)
    url = W.format(ws.pk)
    coord = w.actor(w.coordinator)
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.SORT)
    area = ps.area_add(actor=coord, workshop=ws, name="Kompetens")
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.IMPACT)
    need = call(
        w.employee,
        "POST",
        url + "/needs",
        {
            "area_id": area.pk,
            "consequence": "Erfarna går i pension.",
            "competence_need": "Kunskapsöverföring",
            "likelihood": 4,
            "impact": 5,
        },
    )
    assert need.status_code == 201 and need.json()["priority"] == 20
    r = call(w.employee, "POST", url + "/needs", {**need.json(), "likelihood": 6})
    assert r.status_code == 422 and r.json()["field"] == "likelihood"
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.PROPOSALS)
    r = call(w.employee, "POST", url + "/proposals", {"title": "Mentorer", "need_ids": []})
    assert r.status_code == 422 and r.json()["field"] == "need_ids"
    r = call(w.employee, "POST", url + "/proposals", {"title": "Mentorer", "need_ids": [999999]})
    assert r.status_code == 400 and r.json()["field"] == "need_ids"
    proposal = call(
        w.employee,
        "POST",
        url + "/proposals",
        {"title": "Mentorer", "need_ids": [need.json()["id"]], "cost_ore": 50_000_00},
    )
    assert proposal.status_code == 201 and proposal.json()["need_ids"] == [need.json()["id"]]
    # Someone else's proposal is not a participant's to remove: 403.
    pid = proposal.json()["id"]
    assert call(w.union_rep, "DELETE", url + f"/proposals/{pid}").status_code == 403
    assert call(w.employee, "DELETE", url + f"/proposals/{pid}").status_code == 204
    ps.workshop_set_step(actor=coord, workshop=ws, step=Step.CLOSING)
    r = call(w.employee, "POST", url + "/closing", {"text": "Mer samarbete."})
    assert r.status_code == 200 and r.json()["text"] == "Mer samarbete."
    board = call(w.employee, "GET", url).json()
    assert [c["text"] for c in board["closing_words"]] == ["Mer samarbete."]
    assert [n["competence_need"] for n in board["needs"]] == ["Kunskapsöverföring"]
    assert board["proposals"] == []


def test_participants_are_invited_and_removed_by_the_facilitator(w):
    ws = new_workshop(w, participant_ids=[w.manager.pk])
    url = W.format(ws.pk)
    r = call(w.manager, "POST", url + "/participants", {"user_ids": [w.union_rep.pk]})
    assert r.status_code == 403
    r = call(w.coordinator, "POST", url + "/participants", {"user_ids": [w.union_rep.pk]})
    assert r.status_code == 200 and r.json() == {"invited": 1}
    r = call(w.coordinator, "POST", url + "/participants", {"usernames": ["nobody-here"]})
    assert r.status_code == 400 and r.json()["field"] == "usernames"
    rep = WorkshopParticipant.objects.get(workshop=ws, user=w.union_rep)
    assert call(w.coordinator, "DELETE", url + f"/participants/{rep.pk}").status_code == 204
    assert call(w.coordinator, "DELETE", url + f"/participants/{rep.pk}").status_code == 404
    creator = WorkshopParticipant.objects.get(workshop=ws, user=w.coordinator)
    r = call(w.coordinator, "DELETE", url + f"/participants/{creator.pk}")
    assert r.status_code == 400


def test_lock_then_the_board_refuses_with_409_and_a_new_version_opens_it(w):
    ws = run_workshop(w, lock=False)
    url = W.format(ws.pk)
    assert call(w.employee, "POST", url + "/lock").status_code == 403
    r = call(w.coordinator, "POST", url + "/lock")
    assert r.status_code == 200 and r.json()["status"] == "locked"
    # Locked: every write on the board is a conflict.
    for method, path, body in (
        ("POST", url + "/cards", {"text": "Efteråt"}),
        ("PUT", url + "/step", {"step": "factors"}),
        ("POST", url + "/lock", None),
        ("POST", url + "/participants", {"user_ids": [w.decision_maker.pk]}),
    ):
        r = call(w.coordinator, method, path, body)
        assert r.status_code == 409, (method, path, r.content)
        assert r.json()["code"] == "locked"
    result = call(w.employee, "GET", url + "/result").json()
    assert result["is_locked"] and len(result["sealed_sha256"]) == 64 and result["newer_id"] is None
    # The PDF is the same sealed file the result page serves.
    pdf = call(w.employee, "GET", url + "/result.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    page_pdf = call(w.employee, "GET", url + "/result.pdf")
    assert body.startswith(b"%PDF") and body == (
        b"".join(page_pdf.streaming_content) if page_pdf.streaming else page_pdf.content
    )
    assert call(w.employee, "POST", url + "/new-version").status_code == 403
    new = call(w.coordinator, "POST", url + "/new-version")
    assert new.status_code == 201 and new.json()["version"] == 2
    again = call(w.coordinator, "POST", url + "/new-version")
    assert again.status_code == 409 and again.json()["code"] == "newer_exists"
    assert call(w.employee, "GET", url + "/result").json()["newer_id"] == new.json()["id"]
    # An open workshop has no new version yet: 409.
    r = call(w.coordinator, "POST", W.format(new.json()["id"]) + "/new-version")
    assert r.status_code == 409
