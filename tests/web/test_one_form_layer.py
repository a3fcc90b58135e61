"""There is one form layer: every page reads what people type through a Flask-WTF form
in `timebank.web.forms`, and the rules it shares with the API come from one module."""

import ast
import inspect
from pathlib import Path

import pytest
from flask_wtf import FlaskForm

import timebank.web as web
from timebank import field_rules, schemas
from timebank.web import forms
from timebank.web.forms import PageForm, accounts, coordinate, member

WEB = Path(web.__file__).parent
FORMS = WEB / "forms"
# The one place outside the forms that looks at every field: the NUL guard, which refuses a
# request before any page reads it (see `errors._refuse_nul`).
GUARDS = {("errors.py", "_refuse_nul")}


def _page_modules():
    return sorted(path for path in WEB.rglob("*.py") if FORMS not in path.parents)


def _functions_reading_the_body(tree):
    """(function, attribute) for each `request.form`, `.files`, `.values`, `.get_data` read."""
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if (isinstance(node, ast.Attribute)
                    and node.attr in ("form", "files", "values", "get_data", "get_json", "json")
                    and isinstance(node.value, ast.Name) and node.value.id == "request"):
                found.append((function.name, node))
    return found


def _passed_as_formdata(tree, node):
    """`request.values` handed to a form as its `formdata`, the form doing the reading."""
    return any(isinstance(call, ast.Call)
               and any(k.arg == "formdata" and k.value is node for k in call.keywords)
               for call in ast.walk(tree))


def test_no_page_module_reads_the_request_body_itself():
    readers = []
    for path in _page_modules():
        tree = ast.parse(path.read_text())
        for function, node in _functions_reading_the_body(tree):
            if (path.name, function) in GUARDS or _passed_as_formdata(tree, node):
                continue
            readers.append(f"{path.relative_to(WEB)}:{node.lineno} {function}()")
    assert readers == []


def test_the_old_hand_written_form_helpers_are_gone():
    assert not (WEB / "member_forms.py").exists()
    assert not (WEB / "member" / "forms.py").exists()
    old = {"text", "read_int", "read_duration", "read_date", "read_choice", "schema_errors",
           "field_errors", "check_shape", "parse_duration", "parse_date", "values",
           "errors_of", "submit_once", "run_once", "posted_token", "duration_form"}
    defined = {(path.relative_to(WEB).as_posix(), node.name)
               for path in _page_modules()
               for node in ast.parse(path.read_text()).body
               if isinstance(node, ast.FunctionDef) and node.name in old}
    assert defined == set()


def test_every_form_class_is_a_page_form_in_the_forms_package():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    made_here = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("timebank")]
    assert {cls.__name__ for cls in made_here} >= {"ProfileForm", "ExchangeForm",
                                                   "RecordForm", "SettingsForm", "SignInForm"}
    for cls in made_here:
        assert issubclass(cls, PageForm), cls
        assert cls.__module__.startswith(forms.__name__), cls


def _posting_views(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("web.") and "POST" in rule.methods:
            yield rule.endpoint, inspect.unwrap(app.view_functions[rule.endpoint])


def _reads_a_form(function, seen=None):
    """Whether the function, or a function of the pages it calls, makes a page form."""
    seen = seen if seen is not None else set()
    if function in seen or not inspect.isfunction(function):
        return False
    seen.add(function)
    tree = ast.parse(inspect.getsource(function).lstrip())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name) or node.id not in function.__globals__:
            continue
        found = function.__globals__[node.id]
        if inspect.isclass(found) and issubclass(found, PageForm):
            return True
        if (inspect.isfunction(found) and found.__module__.startswith(web.__name__)
                and _reads_a_form(inspect.unwrap(found), seen)):
            return True
    return False


# Buttons that send nothing but the CSRF token: there is no field to read.
BUTTONS = {"web.sign_out", "web.verify_email", "web.coordinate_approve_member",
           "web.coordinate_approve_listing", "web.coordinate_approve_exchange",
           "web.coordinate_revoke_research", "web.coordinate_retry_mail",
           "web.coordinate_invitation"}


def test_every_page_that_takes_a_post_reads_it_through_a_form(app):
    views = dict(_posting_views(app))
    assert len(views) > 25
    assert {endpoint for endpoint, view in views.items()
            if endpoint not in BUTTONS and not _reads_a_form(view)} == set()
    assert set(views) >= BUTTONS


@pytest.mark.parametrize(("form", "field", "limit"), [
    (member.ListingForm, "title", field_rules.TITLE_MAX),
    (member.ListingForm, "description", field_rules.LISTING_TEXT_MAX),
    (member.ProfileForm, "skills", field_rules.SKILLS_MAX),
    (member.ExchangeForm, "description", field_rules.DESCRIPTION_MAX),
    (coordinate.CategoryForm, "name", field_rules.CATEGORY_MAX),
    (coordinate.NewMemberForm, "name", field_rules.NAME_MAX),
])
def test_the_pages_and_the_api_hold_text_to_the_same_length(app, form, field, limit):
    schema = {"ListingForm": schemas.ListingCreate, "ProfileForm": schemas.MemberPatch,
              "ExchangeForm": schemas.ExchangeCreate, "CategoryForm": schemas.CategoryCreate,
              "NewMemberForm": schemas.MemberCreate}[form.__name__]()
    api_limits = [v.max for v in schema.fields[field].validators if hasattr(v, "max")]
    assert api_limits == [limit]
    with app.test_request_context(method="POST", data={field: "x" * limit}):
        fits = form()
        fits.validate()
        assert field not in fits.problems()
    with app.test_request_context(method="POST", data={field: "x" * (limit + 1)}):
        too_long = form()
        too_long.validate()
        assert too_long.problems()[field] == [f"Use at most {limit} characters."]


@pytest.mark.parametrize(("form", "field", "boxes", "schema", "schema_field"), [
    (coordinate.RecordForm, "minutes", ("minutes_hours", "minutes_mins"),
     schemas.ExchangeCreate, "minutes"),
    (member.DonateForm, "hours", ("hours", "minutes"), schemas.DonationCreate, "minutes"),
    (coordinate.MemberChangeForm, "ceiling", ("ceiling_hours", "ceiling_mins"),
     schemas.MemberPatch, "ceiling_minutes"),
])
def test_the_pages_and_the_api_allow_the_same_minutes(app, form, field, boxes, schema,
                                                      schema_field):
    ranges = [(v.min, v.max) for v in schema().fields[schema_field].validators
              if hasattr(v, "min")]
    assert len(ranges) == 1
    low, high = ranges[0]
    for minutes, allowed in ((high, True), (high + 60, False), (max(low, 0), True)):
        hours, mins = divmod(minutes, 60)
        with app.test_request_context(method="POST", data=dict(zip(boxes, (str(hours), str(mins)),
                                                                   strict=True))):
            typed = form()
            typed.validate()
            assert (field not in typed.problems()) is allowed, (minutes, typed.problems())
            if allowed:
                assert getattr(typed, field).minutes == minutes
    if low > 0:
        with app.test_request_context(method="POST", data=dict(zip(boxes, ("0", "0"),
                                                                   strict=True))):
            zero = form()
            zero.validate()
            assert field in zero.problems()


def test_the_settings_days_have_the_api_ranges(app):
    api = schemas.BankSettingsPatch()
    for key, (low, high) in field_rules.BANK_DAYS.items():
        assert [(v.min, v.max) for v in api.fields[key].validators] == [(low, high)]
        for value, allowed in ((low, True), (high, True), (low - 1, False), (high + 1, False)):
            with app.test_request_context(method="POST", data={key: str(value)}):
                typed = coordinate.SettingsForm()
                typed.validate()
                assert (key not in typed.problems()) is allowed, (key, value)


def test_an_address_is_checked_the_same_way_by_the_page_and_the_service(app):
    from timebank.services.members import _check_member_fields

    for address, fine in (("ann@example.org", True), ("ann@example", False),
                          ("ann example@example.org", False), ("a" * 250 + "@x.org", False)):
        errors = {}
        _check_member_fields(name="Ann", email=address, group="citizen", role="member",
                             status="active", password=None, errors=errors)
        with app.test_request_context(method="POST", data={"email": address}):
            typed = coordinate.NewMemberForm()
            typed.validate()
        assert ("email" not in errors) is fine
        assert ("email" not in typed.problems()) is fine


def test_form_classes_come_from_the_documented_modules():
    assert {accounts.__name__, member.__name__, coordinate.__name__} == {
        f"{forms.__name__}.{name}" for name in ("accounts", "member", "coordinate")}
