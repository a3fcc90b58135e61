"""Managing the bank: members' roles, status and limits, adding members, settings,
categories and activities, the audit log, the ledger check, and new banks (admins)."""

from sqlalchemy import func, select

from tests.support.factories import make_member
from tests.web.coordinator.support import (
    PASSWORD,
    audited,
    recorded,
    sign_in,
    text_of,
    token_in,
)
from timebank.extensions import db
from timebank.models import Activity, Bank, Category, Member, User
from timebank.services.verification import CHECK_NAMES


def member_form(member, **overrides):
    form = {"name": member.name, "group": member.group, "role": member.role,
            "status": member.status, "below_hours": "10", "below_mins": "0",
            "ceiling_hours": "", "ceiling_mins": "", "reason": ""}
    form.update(overrides)
    return form


def fresh(member):
    db.session.expire_all()
    return db.session.get(Member, member.id)


def test_a_member_page_shows_their_statement_with_names(coordinator, world):
    recorded(world, world.alice, world.bob, 75, description="Weeding")
    html = text_of(coordinator.get(f"/coordinate/members/{world.alice.id}"))
    assert "Statement" in html and "Exchange: Weeding" in html
    assert "Bob Baker" in html and "+1 h 15 min" in html
    assert "None (not online)" in text_of(coordinator.get(f"/coordinate/members/{world.bob.id}"))


def test_changing_role_status_or_limits_needs_a_reason(coordinator, world):
    url = f"/coordinate/members/{world.alice.id}"
    refused = coordinator.post(url, data=member_form(world.alice, role="coordinator",
                                                     below_hours="20"))
    assert refused.status_code == 422
    html = text_of(refused)
    assert 'href="#reason"' in html and 'id="reason-error"' in html
    assert '<option value="coordinator" selected>' in html and 'value="20"' in html
    assert fresh(world.alice).role == "member"

    done = coordinator.post(url, data=member_form(world.alice, role="coordinator",
                                                  below_hours="20", reason="Runs the café"),
                            follow_redirects=True)
    assert "Saved the changes to Alice Able." in text_of(done)
    member = fresh(world.alice)
    assert member.role == "coordinator" and member.account.floor_minutes == -1200
    assert audited("member.changed", world.alice.id) == 1
    assert audited("account.limits_changed", member.account.id) == 1


def test_renaming_needs_no_reason_and_nothing_changed_says_so(coordinator, world):
    url = f"/coordinate/members/{world.alice.id}"
    same = coordinator.post(url, data=member_form(world.alice), follow_redirects=True)
    assert "Nothing was changed." in text_of(same)
    renamed = coordinator.post(url, data=member_form(world.alice, name="Alice Abbot"),
                               follow_redirects=True)
    assert "Saved the changes to Alice Abbot." in text_of(renamed)


def test_a_limit_below_the_balance_is_refused_at_its_field(coordinator, world):
    recorded(world, world.bob, world.alice, 300)
    response = coordinator.post(f"/coordinate/members/{world.alice.id}", data=member_form(
        world.alice, below_hours="2", reason="Tighter"))
    assert response.status_code == 422
    assert 'id="below-error"' in text_of(response)
    assert fresh(world.alice).account.floor_minutes == -600


def test_the_last_coordinator_cannot_step_down(coordinator, world):
    response = coordinator.post(f"/coordinate/members/{world.coordinator.id}", data=member_form(
        world.coordinator, role="member", reason="Leaving"))
    assert response.status_code == 422
    assert "at least one active coordinator" in text_of(response)


def test_adding_a_member_who_is_not_online_and_only_once(coordinator, world):
    token = token_in(text_of(coordinator.get("/coordinate/members/new")))
    form = {"form_token": token, "name": "Olive Offline", "group": "citizen", "role": "member",
            "email": "", "password": "", "skills": "Knitting"}
    first = coordinator.post("/coordinate/members/new", data=form, follow_redirects=True)
    assert "Added Olive Offline" in text_of(first)
    second = coordinator.post("/coordinate/members/new", data=form, follow_redirects=True)
    assert "have not been added twice" in text_of(second)
    olive = db.session.scalars(select(Member).where(Member.name == "Olive Offline")).all()
    assert len(olive) == 1 and olive[0].user is None and olive[0].status == "active"
    assert audited("member.created", olive[0].id) == 1


def test_adding_a_member_with_mistakes_keeps_the_values(coordinator, world):
    token = token_in(text_of(coordinator.get("/coordinate/members/new")))
    response = coordinator.post("/coordinate/members/new", data={
        "form_token": token, "name": "Owen Online", "group": "citizen", "role": "member",
        "email": "not-an-email", "password": "", "skills": "Kept skills"})
    assert response.status_code == 422
    html = text_of(response)
    assert 'href="#email"' in html and 'value="not-an-email"' in html and "Kept skills" in html
    taken = coordinator.post("/coordinate/members/new", data={
        "form_token": token, "name": "Owen Online", "group": "citizen", "role": "member",
        "email": world.alice.email, "password": PASSWORD, "skills": ""})
    assert taken.status_code == 422 and "already uses this email" in text_of(taken)


def test_settings_change_with_a_reason_and_audit(coordinator, world):
    html = text_of(coordinator.get("/coordinate/settings"))
    assert 'name="confirmation_days"' in html and 'value="14"' in html
    form = {"name": "Test Time Bank", "default_below_hours": "10", "default_below_mins": "0",
            "default_ceiling_hours": "", "default_ceiling_mins": "",
            "approval_threshold_hours": "6", "approval_threshold_mins": "0",
            "approval_required": "no", "moderate_listings": "yes", "confirmation_days": "21",
            "listing_days": "90", "dormant_days": "90", "suppression_threshold": "10",
            "max_exchange_hours": "12", "max_exchange_mins": "0", "erased_balance_to": "pool",
            "retention_days": "", "reason": ""}
    refused = coordinator.post("/coordinate/settings", data=form)
    assert refused.status_code == 422 and 'id="reason-error"' in text_of(refused)
    assert 'value="21"' in text_of(refused)
    done = coordinator.post("/coordinate/settings", data=dict(form, reason="Members asked"),
                            follow_redirects=True)
    assert "Saved the settings." in text_of(done)
    bank = db.session.get(Bank, world.bank.id)
    db.session.refresh(bank)
    assert bank.confirmation_days == 21 and bank.approval_threshold_minutes == 360
    assert audited("bank.settings_changed", bank.id) == 1
    audit_page = text_of(coordinator.get("/coordinate/audit?action=bank.settings_changed"))
    assert "Changed the settings" in audit_page and "Members asked" in audit_page
    assert "days to confirm: 14 → 21" in audit_page and "approval above: 8 h → 6 h" in audit_page

    bad = coordinator.post("/coordinate/settings", data=dict(
        form, suppression_threshold="2", confirmation_days="lots", reason="x"))
    assert bad.status_code == 422
    html = text_of(bad)
    assert 'href="#suppression_threshold"' in html and 'href="#confirmation_days"' in html


def test_categories_and_activities_with_levels(coordinator, world):
    html = text_of(coordinator.get("/coordinate/activities"))
    assert "as equal partners" in html and "Others make the decision." in html
    added = coordinator.post("/coordinate/categories", data={"name": "Lifts"},
                             follow_redirects=True)
    assert "Added the category “Lifts”." in text_of(added)
    duplicate = coordinator.post("/coordinate/categories", data={"name": "lifts"})
    assert duplicate.status_code == 422 and 'value="lifts"' in text_of(duplicate)
    no_level = coordinator.post("/coordinate/activities", data={"name": "Panel"})
    assert no_level.status_code == 422 and 'href="#level"' in text_of(no_level)
    assert 'value="Panel"' in text_of(no_level)
    done = coordinator.post("/coordinate/activities", data={"name": "Panel", "level": "consult"},
                            follow_redirects=True)
    assert "Added the activity “Panel”." in text_of(done) and "Consult" in text_of(done)
    assert db.session.scalar(select(func.count(Category.id))) == 2
    assert db.session.scalar(select(Activity.level).where(Activity.name == "Panel")) == "consult"
    assert audited("activity.created") == 2


def test_audit_log_pages_and_names_who_and_why(coordinator, world):
    for n in range(30):
        coordinator.post("/coordinate/categories", data={"name": f"Category {n:02d}"})
    first = text_of(coordinator.get("/coordinate/audit"))
    assert "Gwen Coordinator" in first and "Added a category" in first
    assert "Page 1 of 2" in first
    assert "Category 29" in first
    second = text_of(coordinator.get("/coordinate/audit?page=2"))
    assert "Created the time bank" in second or "Added a member" in second


def test_the_ledger_check_in_words(coordinator, world):
    before = text_of(coordinator.get("/coordinate/ledger"))
    assert "Check the ledger now" in before and "All checks passed" not in before
    html = text_of(coordinator.get("/coordinate/ledger?check=1"))
    assert "All checks passed" in html
    assert html.count("Passed</strong>") == len(CHECK_NAMES)
    assert "every hour given is an hour received" in html
    assert "The audit log is unbroken" in html


def test_an_admin_creates_a_bank_with_its_first_coordinator(client, world):
    admin = make_member(world.bank, "Ada Admin", role="coordinator", password=PASSWORD,
                        is_admin=True)
    sign_in(client, admin)
    html = text_of(client.get("/admin/banks"))
    assert "Create a time bank" in html
    assert "Time banks (admin)" in text_of(client.get("/coordinate"))
    form = {"form_token": token_in(html), "name": "Hillside Time Bank", "slug": "hillside",
            "coordinator_name": "Hana Hill", "email": "hana@hillside.example.org",
            "password": PASSWORD, "group": "professional"}
    bad = client.post("/admin/banks", data=dict(form, slug="Not A Slug!"))
    assert bad.status_code == 422 and 'href="#slug"' in text_of(bad)
    assert 'value="Hillside Time Bank"' in text_of(bad)
    done = client.post("/admin/banks", data=form, follow_redirects=True)
    assert "Created Hillside Time Bank. Hana Hill can now sign in" in text_of(done)
    again = client.post("/admin/banks", data=form)
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Bank.id)).where(Bank.slug == "hillside")) == 1
    user = db.session.scalar(select(User).where(User.email == "hana@hillside.example.org"))
    assert user.member.role == "coordinator" and user.member.bank.slug == "hillside"


def test_coordinators_who_are_not_admins_cannot_create_banks(coordinator, world):
    assert coordinator.get("/admin/banks").status_code == 403
    assert coordinator.post("/admin/banks", data={"name": "X"}).status_code == 403
    assert "Time banks (admin)" not in text_of(coordinator.get("/coordinate"))
