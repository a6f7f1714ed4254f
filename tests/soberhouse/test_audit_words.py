"""The audit trail in plain words: every action said as a person would say it, things named
only for a reader who may see them, changes as "before → after", and a CSV of a filtered span."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest

from peerlog.models import Pairing
from soberhouse import audit
from soberhouse.models import AuditEvent
from tests.factories import make_resident

ROOT = Path(__file__).resolve().parent.parent.parent
SKIP = {"tests", "migrations", "node_modules", ".venv", "bench"}


# Every action written in the code has its words


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIP & set(path.relative_to(ROOT).parts):
            yield path


def _is_record(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "record"
        and isinstance(func.value, ast.Name)
        and func.value.id == "audit"
    )


def _enclosing(tree: ast.AST, node: ast.AST) -> ast.FunctionDef | None:
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and any(n is node for n in ast.walk(function)):
            inner = _enclosing(ast.Module(body=function.body, type_ignores=[]), node)
            return inner or function
    return None


def _actions(node: ast.AST, tree: ast.AST, where: str) -> set[str]:
    """The action names an expression can have: text, either side of ``a if c else b``, a
    variable set to those in its function, or a parameter given them by the module's calls."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _actions(node.body, tree, where) | _actions(node.orelse, tree, where)
    if isinstance(node, ast.Name):
        function = _enclosing(tree, node)
        assert function is not None, f"{where}: cannot read the action {node.id}"
        found = set()
        for assign in ast.walk(function):
            if isinstance(assign, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == node.id for target in assign.targets
            ):
                found |= _actions(assign.value, tree, where)
        arguments = [a.arg for a in function.args.posonlyargs + function.args.args]
        if node.id in arguments or node.id in [a.arg for a in function.args.kwonlyargs]:
            for call in ast.walk(tree):
                if not (
                    isinstance(call, ast.Call) and getattr(call.func, "id", None) == function.name
                ):
                    continue
                if node.id in arguments and arguments.index(node.id) < len(call.args):
                    found |= _actions(call.args[arguments.index(node.id)], tree, where)
                found |= {
                    action
                    for keyword in call.keywords
                    if keyword.arg == node.id
                    for action in _actions(keyword.value, tree, where)
                }
        assert found, f"{where}: cannot read the action {node.id}"
        return found
    raise AssertionError(f"{where}: write the action's name out, not {ast.unparse(node)}")


def actions_in_the_code() -> dict[str, str]:
    """Every action name the code writes, and where."""
    found = {}
    for path in _sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and _is_record(call):
                where = f"{path.relative_to(ROOT)}:{call.lineno}"
                action = next((k.value for k in call.keywords if k.arg == "action"), None)
                assert action is not None, f"{where}: audit.record without an action"
                for name in _actions(action, tree, where):
                    found[name] = where
    return found


def test_the_code_is_read_for_its_actions():
    found = actions_in_the_code()
    # A plain one, one behind a condition, one passed in as a parameter, one set to a variable.
    assert {"resident.view", "chore.redo", "resident.readmit", "report.disclose"} <= set(found)
    assert len(found) > 60


def test_every_action_in_the_code_has_words():
    missing = {
        name: where for name, where in actions_in_the_code().items() if name not in audit.LABELS
    }
    assert missing == {}, "Give these actions their words in soberhouse.audit.LABELS"


def test_the_words_are_for_people():
    for action, words in audit.LABELS.items():
        text = words.format(object="Dana W.'s record", name="Dana W.")
        assert not re.search(r"[a-z]\.[a-z]", text), (action, text)  # no "report.disclose"
        assert "_" not in text and "{" not in text, (action, text)
        assert text[0].isupper(), (action, text)


# Naming only what the reader may see


@pytest.fixture
def dana(harbor):
    return make_resident(harbor, email="dana@example.test", full_name="Dana Whitfield")


def _what(event, reader) -> audit.Line:
    return audit.describe([event], reader)[0]


def test_a_read_names_the_record_for_a_reader_who_may_see_it(dana, manager_harbor, staff):
    event = audit.record(action="resident.view", actor=manager_harbor, obj=dana)
    assert _what(event, staff).what == "Viewed Dana Whitfield's record"
    assert _what(event, manager_harbor).what == "Viewed Dana Whitfield's record"


def test_a_record_in_another_house_is_not_named(dana, manager_cedar, resident_harbor):
    event = audit.record(action="resident.view", obj=dana)
    for reader in (manager_cedar, resident_harbor.user):
        line = _what(event, reader)
        assert line.what == "Viewed a record in another house"
        assert "Dana" not in str(line)


def test_names_in_the_changes_follow_the_same_rule(dana, harbor, cedar, manager_cedar, staff):
    event = audit.record(
        action="resident.transfer",
        obj=dana,
        changes={"from": "harbor", "to": "cedar", "on": "2026-12-01"},
    )
    assert [(d.words, d.value) for d in _what(event, staff).details] == [
        ("From", "Harbor House"),
        ("To", "Cedar House"),
        ("On", "1 December 2026"),
    ]
    line = _what(event, manager_cedar)
    assert line.what == "Moved someone in another house to another house"
    assert [d.value for d in line.details] == ["another house", "Cedar House", "1 December 2026"]


def test_staff_are_not_told_whose_peer_log_was_read(
    harbor, dana, resident_harbor, manager_harbor, staff
):
    pairing = Pairing.objects.create(
        house=harbor, mentor=resident_harbor, mentee=dana, starts_on=dt.date(2026, 11, 1)
    )
    event = audit.record(
        action="peerlog.read", actor=manager_harbor, obj=pairing, changes={"entries": 3}
    )
    mentor = resident_harbor.name
    assert _what(event, manager_harbor).what == (
        f"Read the peer log of {mentor} (mentor) and Dana Whitfield"
    )
    assert _what(event, staff).what == "Read a peer log that stays with the pair"


def test_a_change_reads_before_and_after(dana, manager_harbor, staff):
    event = audit.record(
        action="resident.sobriety_date",
        obj=dana,
        changes=audit.diff(
            {"sobriety_date": dt.date(2026, 3, 1)}, {"sobriety_date": dt.date(2026, 4, 2)}
        ),
    )
    line = _what(event, staff)
    assert line.what == "Changed the sobriety date in Dana Whitfield's record"
    assert [(d.words, d.value) for d in line.details] == [
        ("Sobriety date", "1 March 2026 → 2 April 2026")
    ]


def test_a_disclosure_names_its_houses_and_residents(dana, harbor, resident_harbor, staff):
    event = audit.record(
        action="report.disclose",
        actor=staff,
        changes={
            "format": "pdf",
            "month": "2026-11",
            "houses": [harbor.pk],
            "residents": [dana.pk, resident_harbor.pk],
        },
    )
    line = _what(event, staff)
    assert line.what == "Downloaded the monthly report with residents' rows"
    assert {d.words: d.value for d in line.details} == {
        "File": "pdf",
        "Month": "November 2026",
        "Houses": "Harbor House",
        "Residents": f"Dana Whitfield, {resident_harbor.name}",
    }


def test_an_action_without_words_still_reads(staff):
    event = audit.record(action="house.update", actor=staff, changes={"beds": [8, 9]})
    line = _what(event, staff)
    assert line.what == "Something else (house.update)"
    assert [(d.words, d.value) for d in line.details] == [("Beds", "8 → 9")]


class TestThePage:
    def test_it_shows_words_not_codes(self, client, staff, dana, manager_harbor):
        audit.record(action="resident.view", actor=manager_harbor, obj=dana)
        audit.record(
            action="resident.update",
            actor=manager_harbor,
            obj=dana,
            changes={"phone": ["+1 562 555 0100", "+1 562 555 0101"], "emergency_contacts": 1},
        )
        client.force_login(staff)
        page = client.post("/audit/", {"actor": "manager.a@"}).content.decode()
        assert "Viewed Dana Whitfield&#x27;s record" in page
        assert "Changed Dana Whitfield&#x27;s record" in page
        assert "Phone: +1 562 555 0100 → +1 562 555 0101" in page
        assert "Emergency contacts: 1" in page
        for developer_words in ("resident.view", "residents.resident", "{&#x27;", "[&#x27;"):
            assert developer_words not in page.split("<table", 1)[1]

    def test_the_action_filter_offers_words(self, client, staff, dana):
        audit.record(action="report.disclose", actor=staff)
        client.force_login(staff)
        page = client.get("/audit/").content.decode()
        words = "Downloaded the monthly report with residents&#x27; rows"
        assert f'<option value="report.disclose">{words}</option>' in page

    def test_it_runs_the_same_queries_for_any_number_of_events(
        self,
        client,
        harbor,
        staff,
        dana,
        manager_harbor,
        resident_harbor,
        django_assert_num_queries,
    ):
        pairing = Pairing.objects.create(
            house=harbor, mentor=resident_harbor, mentee=dana, starts_on=dt.date(2026, 11, 1)
        )
        client.force_login(staff)
        for count in (2, 20):
            for _ in range(count):
                audit.record(action="resident.view", actor=manager_harbor, obj=dana)
                audit.record(action="peerlog.read", actor=manager_harbor, obj=pairing)
                audit.record(
                    action="invitation.create",
                    actor=manager_harbor,
                    obj=harbor,
                    changes={"house": "harbor"},
                )
                audit.record(
                    action="resident.search", actor=manager_harbor, changes={"found": [dana.pk]}
                )
                audit.record(action="account.password_changed", actor=dana.user, obj=dana.user)
            # session, user, two-factor check, count, one page of events; one name query for
            # each kind of thing named (residents, pairings, houses, accounts); the action
            # choices; navigation (current stay, managed houses), the unread count
            with django_assert_num_queries(13):
                client.get("/audit/")


# The CSV of a filtered span


def _rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


class TestTheExport:
    def test_it_writes_the_filtered_span_in_words(self, client, staff, dana, manager_harbor):
        audit.record(action="resident.view", actor=manager_harbor, obj=dana)
        audit.record(action="resident.view", actor=staff, obj=dana)
        client.force_login(staff)
        response = client.post("/audit/export/", {"actor": "manager.a@", "action": "resident.view"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith(
            'attachment; filename="soberhouse-audit-trail'
        )
        assert "no-store" in response["Cache-Control"]
        header, *rows = _rows(response)
        assert header == [
            "When (UTC)",
            "Who",
            "What",
            "About",
            "Details",
            "From address (IP)",
            "Action",
        ]
        assert [row[1:4] for row in rows] == [
            ["manager.a@example.test", "Viewed Dana Whitfield's record", "Dana Whitfield's record"]
        ]

    def test_it_keeps_to_the_dates(self, client, staff, dana):
        old = audit.record(action="resident.view", actor=staff, obj=dana)
        AuditEvent.objects.filter(pk=old.pk)  # the trail cannot be changed: make a new one instead
        audit.record(action="resident.update", actor=staff, obj=dana)
        client.force_login(staff)
        today = dt.datetime.now(tz=dt.UTC).date().isoformat()
        rows = _rows(client.post("/audit/export/", {"since": today, "until": today}))[1:]
        assert {row[6] for row in rows} >= {"resident.view", "resident.update"}
        assert _rows(client.post("/audit/export/", {"until": "2020-01-01"}))[1:] == []

    def test_the_export_is_itself_in_the_trail(self, client, staff, dana):
        audit.record(action="resident.view", actor=staff, obj=dana)
        client.force_login(staff)
        client.post("/audit/export/", {"action": "resident.view", "since": "2020-01-01"})
        event = AuditEvent.objects.get(action="audit.export")
        assert event.actor == staff
        assert event.changes == {"action": "resident.view", "since": "2020-01-01", "rows": 1}
        line = _what(event, staff)
        assert line.what == "Downloaded part of the audit trail as a spreadsheet (CSV)"
        assert [(d.words, d.value) for d in line.details] == [
            ("What (filter)", "Viewed …"),
            ("From", "1 January 2020"),
            ("Rows", "1"),
        ]

    def test_text_a_spreadsheet_would_run_is_escaped(self, client, staff, harbor):
        evil = make_resident(harbor, email="evil@example.test", full_name='=HYPERLINK("http://x")')
        audit.record(action="resident.view", actor=staff, obj=evil)
        client.force_login(staff)
        rows = _rows(client.post("/audit/export/", {"action": "resident.view"}))[1:]
        assert rows[0][2] == 'Viewed =HYPERLINK("http://x")\'s record'
        assert rows[0][3].startswith("'=HYPERLINK")

    def test_it_runs_the_same_queries_for_any_number_of_events(
        self, client, staff, dana, manager_harbor, django_assert_num_queries
    ):
        client.force_login(staff)
        for count in (2, 40):
            for _ in range(count):
                audit.record(action="resident.view", actor=manager_harbor, obj=dana)
                audit.record(action="account.password_changed", actor=dana.user, obj=dana.user)
            # session, user, two-factor check, the count, one chunk of events, the names in it
            # (accounts, residents), the audit row of the download
            with django_assert_num_queries(8):
                client.post("/audit/export/", {"since": "2020-01-01"})

    def test_a_bad_date_is_explained_and_nothing_is_sent(self, client, staff):
        client.force_login(staff)
        response = client.post("/audit/export/", {"since": "last week"})
        assert response.status_code == 200
        assert "Use a date like" in response.content.decode()
        assert not AuditEvent.objects.filter(action="audit.export").exists()

    def test_it_is_for_staff_and_posted(self, client, staff, manager_harbor):
        client.force_login(manager_harbor)
        assert client.post("/audit/export/", {}).status_code == 404
        client.force_login(staff)
        assert client.get("/audit/export/").status_code == 405
