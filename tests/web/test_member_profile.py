"""The profile: what I can bring first, name, language, and changing the password."""

from tests.web.conftest import PASSWORD, field_error, sign_in, text
from timebank.extensions import db
from timebank.models import ApiToken, User
from timebank.models._types import utcnow
from timebank.services import auth

NEW_PASSWORD = "a quiet morning in the garden"


def test_the_profile_starts_with_what_i_can_bring(client, people):
    sign_in(client, people.alice)
    html = text(client.get("/profile"))
    assert html.index("What I can bring") < html.index("Your name")
    assert "Gardening, baking</textarea>" in html
    assert PASSWORD not in html


def test_saving_the_profile_and_the_language(client, people):
    sign_in(client, people.alice)
    response = client.post("/profile", data={"name": "Alice Jones-Price",
                                             "skills": "Gardening, Welsh lessons",
                                             "language": "cy"})
    assert response.status_code == 303
    db.session.expire_all()
    assert people.alice.name == "Alice Jones-Price"
    assert people.alice.skills == "Gardening, Welsh lessons"
    assert people.alice.user.language == "cy"
    assert '<html lang="cy">' in text(client.get("/profile"))


def test_profile_errors_are_shown_at_the_fields_with_the_values_kept(client, people):
    sign_in(client, people.alice)
    response = client.post("/profile", data={"name": "", "skills": "Kept", "language": "en"})
    assert response.status_code == 422
    assert field_error(text(response), "name") == "Enter a name."
    assert "Kept</textarea>" in text(response)
    response = client.post("/profile", data={"name": "A" * 121, "skills": "", "language": "en"})
    assert field_error(text(response), "name") == "Use at most 120 characters."
    response = client.post("/profile", data={"name": "Alice", "skills": "", "language": "fr"})
    assert field_error(text(response), "language") == "Choose English or Cymraeg."
    db.session.expire_all()
    assert people.alice.name == "Alice Jones"


def test_changing_the_password_needs_the_current_one_and_follows_the_rules(client, people):
    sign_in(client, people.alice)
    response = client.post("/profile/password", data={
        "current_password": "wrong password here", "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD})
    assert response.status_code == 422
    html = text(response)
    assert field_error(html, "current_password") == "Your current password is not right."
    assert "wrong password here" not in html and NEW_PASSWORD not in html
    response = client.post("/profile/password", data={
        "current_password": PASSWORD, "new_password": "short", "new_password_again": "short"})
    assert field_error(text(response), "new_password").startswith("Use at least 10 characters")
    response = client.post("/profile/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD + "!"})
    assert field_error(text(response), "new_password_again") == ("The two new passwords are "
                                                                 "not the same.")
    response = client.post("/profile/password", data={
        "current_password": "", "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD})
    assert field_error(text(response), "current_password") == "Enter your current password."
    assert auth.check_credentials("alice@example.org", PASSWORD, now=utcnow())


def test_a_new_password_ends_every_other_session_and_api_token(app, client, people):
    other_device = app.test_client()
    sign_in(other_device, people.alice)
    assert other_device.get("/home").status_code == 200
    token, _ = auth.create_token(people.alice.user_id, hours=1, now=utcnow())
    sign_in(client, people.alice)
    version = people.alice.user.session_version
    response = client.post("/profile/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD})
    assert response.status_code == 303
    assert "Your password is changed" in text(client.get("/profile"))
    assert client.get("/home").status_code == 200
    assert other_device.get("/home").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, people.alice.user_id).session_version == version + 1
    assert all(t.revoked_at is not None for t in db.session.query(ApiToken))
    assert app.test_client().get("/api/v1/me", headers={
        "Authorization": f"Bearer {token}"}).status_code == 401
    assert auth.check_credentials("alice@example.org", NEW_PASSWORD, now=utcnow())
