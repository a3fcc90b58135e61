"""Marshmallow schemas of research grants and the extract's query (API, pages, OpenAPI)."""

from marshmallow import Schema

from . import MAX_ID, Id, Input, Text, UTCDateTime, fields, page_of, validate
from .reports import ReportQuery

PURPOSE = validate.Length(min=1, max=1000)


class ResearchGrantCreate(Input):
    """A coordinator lets one evaluator of the bank take the member-level extract."""

    evaluator_id = Id(required=True, metadata={"description": "An evaluator of this bank."})
    purpose = Text(required=True, validate=PURPOSE,
                   metadata={"description": "What the extract is for, as agreed."})
    ends_on = fields.Date(required=True, metadata={
        "description": "The last day of the grant: today at the earliest, a year on at the latest."})


class ResearchGrant(Schema):
    class Meta:
        ordered = True

    id = fields.Int(required=True)
    evaluator_id = fields.Int(required=True)
    purpose = fields.Str(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={"description": "The last day, included."})
    granted_by_id = fields.Int(required=True, allow_none=True)
    revoked_at = UTCDateTime(required=True, allow_none=True)
    revoked_by_id = fields.Int(required=True, allow_none=True)


ResearchGrantPage = page_of(ResearchGrant, "ResearchGrantPage")


class MembersExtractQuery(ReportQuery):
    """The report's filters; `from` and `to` are first days of months (default: the last
    twelve whole months)."""

    grant = fields.Int(load_default=None, validate=validate.Range(min=1, max=MAX_ID), metadata={
        "description": "The evaluator's research grant to use (default: their newest live one)."})


def extract_arguments(query: dict) -> dict:
    """A loaded MembersExtractQuery as research_extract.members_csv's keyword arguments."""
    return {"date_from": query.get("from_"), "date_to": query.get("to"),
            "provider_group": query.get("provider_group"),
            "receiver_group": query.get("receiver_group"), "category": query.get("category"),
            "activity": query.get("activity"), "level": query.get("level"),
            "grant_id": query.get("grant")}
