"""Marshmallow schemas of the reciprocity reports, shared by the API, the pages and OpenAPI.

They describe the published report's JSON shape exactly, with its extensions; a
suppressed figure is null, so every figure allows None.
"""

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, validates_schema

from . import schema_fields as fields
from . import schema_validate as validate
from .models import GROUPS, LEVELS
from .schemas import MAX_ID, Input, Text

SHARE = "A fraction in [0, 1]; null when suppressed or undefined."


def _ordered(name, columns, doc=""):
    attrs = dict(columns)
    attrs["Meta"] = type("Meta", (), {"ordered": True})
    attrs["__doc__"] = doc
    return type(name, (Schema,), attrs)


def _share(**kwargs):
    return fields.Float(required=True, allow_none=True, metadata={"description": SHARE}, **kwargs)


def _number(description=""):
    return fields.Float(required=True, allow_none=True, metadata={"description": description})


def _count(description=""):
    return fields.Int(required=True, allow_none=True, metadata={"description": description})


class ReportQuery(Input):
    """The range is half-open, [from, to), on the day the time was given. Protected
    reports (evaluators always, coordinators with `protected=true`) cover whole calendar
    months: `from` and `to` must be first days of months, or the answer is a 422."""

    from_ = fields.Date(data_key="from", load_default=None,
                        metadata={"description": "First day (default: a year before `to`). "
                                                 "Protected reports: the first day of a month."})
    to = fields.Date(load_default=None, metadata={
        "description": "The day after the last day (default: tomorrow; protected reports: "
                       "the first day of this month). Protected reports: the first day of "
                       "a month."})
    protected = fields.Bool(load_default=False, metadata={
        "description": "Coordinators: the figures as evaluators see them (cell key "
                       "perturbation, whole months). Evaluators always get them."})
    provider_group = Text(load_default=None, validate=validate.OneOf(GROUPS))
    receiver_group = Text(load_default=None, validate=validate.OneOf(GROUPS))
    category = Text(load_default=None, validate=validate.Length(min=1, max=80),
                    metadata={"description": "A category name of the bank."})
    activity = fields.Int(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                          metadata={"description": "An activity id of the bank."})
    level = Text(load_default=None, validate=validate.OneOf(LEVELS),
                 metadata={"description": "Participation level of the activities."})

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"] >= data["to"]:
            raise ValidationError(_("The end of the period must be after its start."), "to")


def query_arguments(query: dict) -> dict:
    """A loaded ReportQuery as the service's keyword arguments."""
    return {"date_from": query.get("from_"), "date_to": query.get("to"),
            "provider_group": query.get("provider_group"),
            "receiver_group": query.get("receiver_group"), "category": query.get("category"),
            "activity": query.get("activity"), "level": query.get("level")}


def report_arguments(query: dict) -> dict:
    """query_arguments, and `protected`, for the reciprocity report itself."""
    return {**query_arguments(query), "protected": bool(query.get("protected"))}


ReportMetrics = _ordered("ReportMetrics", [
    ("hours", _number("Hours of exchanges (minutes / 60).")),
    ("exchanges", _count("Transfers between two members; a group credit to five is five.")),
    ("members", _count("Members active at `to`; evaluators and the pool excluded.")),
    ("active_members", _count("Members who gave or received in the range.")),
    ("active_share", _share()),
    ("inert_share", _share()),
    ("dormant_members", _count("Members with no exchange in the bank's dormant_days before `to`, "
                               "after exchanging earlier in the range.")),
    ("give_only_share", _share()),
    ("receive_only_share", _share()),
    ("two_way_share", _share()),
    ("balance_ratio_median", _number("Median of min(given, received) / max(given, received).")),
    ("direct_reciprocity", _share()),
    ("rho", _number("Garlaschelli–Loffredo ρ = (r − ā) / (1 − ā).")),
    ("weighted_reciprocity", _share()),
    ("partners_median", _number("Median number of distinct partners of active members.")),
    ("cross_group_exchange_share", _share()),
    ("cross_group_pair_share", _share()),
    ("gini_given", _number("Gini of hours given over all members (zeros included).")),
    ("gini_received", _number("Gini of hours received over all members.")),
    ("top10_given_share", _share()),
    ("citizen_professional_ratio", _number(
        "Hours professionals and organisations gave citizens ÷ hours citizens gave them.")),
    ("professionals_receiving_share", _share()),
    ("first_exchange_median_days", _number("Days from joining to the first exchange.")),
    ("first_exchange_within_30_share", _share()),
    ("beyond_25h_share", _share()),
    ("first_exchange_within_90_share", _share()),
], "Headline figures; null when suppressed (named in `suppressed`) or undefined.")

FlowRow = _ordered("ReportFlow", [
    ("provider_group", fields.Str(required=True, validate=validate.OneOf(GROUPS))),
    ("receiver_group", fields.Str(required=True, validate=validate.OneOf(GROUPS))),
    ("hours", _number()), ("exchanges", _count())])
MonthRow = _ordered("ReportMonth", [
    ("month", fields.Str(required=True, metadata={"example": "2026-01"})),
    ("hours", _number()), ("exchanges", _count()), ("active_members", _count())])
LevelRow = _ordered("ReportLevel", [
    ("level", fields.Str(required=True, validate=validate.OneOf(LEVELS))),
    ("group", fields.Str(required=True, validate=validate.OneOf(GROUPS))),
    ("hours", _number("Hours members of the group gave in activities at this level.")),
    ("members", _count("Members of the group who gave time at this level."))])
CategoryRow = _ordered("ReportCategory", [
    ("category", fields.Str(required=True, allow_none=True,
                            metadata={"description": "null: exchanges without a category"})),
    ("hours", _number()), ("exchanges", _count())])
RetentionRow = _ordered("ReportRetention", [
    ("cohort", fields.Str(required=True, metadata={"example": "2026-Q1"})),
    ("after_1q", _share()), ("after_2q", _share()), ("after_4q", _share())])
BandRow = _ordered("ReportBand", [
    ("band", fields.Str(required=True)), ("members", _count())])
PartnersRow = _ordered("ReportPartners", [
    ("partners", fields.Str(required=True)), ("members", _count())])
ReportFilters = _ordered("ReportFilters", [
    ("provider_group", fields.Str(required=True, allow_none=True)),
    ("receiver_group", fields.Str(required=True, allow_none=True)),
    ("category", fields.Str(required=True, allow_none=True)),
    ("activity", fields.Int(required=True, allow_none=True)),
    ("level", fields.Str(required=True, allow_none=True))])
PoolFigures = _ordered("ReportPool", [
    ("donated_hours", _number("Hours members gave to the community pool.")),
    ("donations", _count()), ("donors", _count()),
    ("granted_hours", _number("Hours the pool granted, group credits it paid included.")),
    ("grants", _count()), ("recipients", _count())],
    "Donations and grants, reported apart from exchanges; the other filters don't apply.")

Protection = _ordered("ReportProtection", [
    ("method", fields.Str(required=True, validate=validate.OneOf(("cell-key",)))),
    ("threshold", fields.Int(required=True, metadata={
        "description": "k: no count from 1 to k − 1 is published; statistics of fewer "
                       "than k people are withheld."})),
    ("max_count_noise", fields.Int(required=True, metadata={
        "description": "The most a count of k or more may differ from the truth."})),
    ("periods", fields.Str(required=True, validate=validate.OneOf(("months",)))),
], "The cell key method (see docs/report-methods.md).")

ReciprocityReport = _ordered("ReciprocityReport", [
    ("bank", fields.Str(required=True)),
    ("from", fields.Str(required=True, metadata={"format": "date", "example": "2026-01-01"})),
    ("to", fields.Str(required=True, metadata={"format": "date", "example": "2027-01-01"})),
    ("definitions_version", fields.Str(required=True)),
    ("suppression_threshold", fields.Int(required=True)),
    ("generated_at", fields.Str(required=True, metadata={"description": "UTC, ISO 8601"})),
    ("suppressed", fields.List(fields.Str(), required=True, metadata={
        "description": "Names of hidden figures: metrics by name, `pool.<name>`, "
                       "`<table>[<key>]`, `retention[<cohort>].<field>`."})),
    ("metrics", fields.Nested(ReportMetrics, required=True)),
    ("flows", fields.List(fields.Nested(FlowRow), required=True)),
    ("monthly", fields.List(fields.Nested(MonthRow), required=True)),
    ("levels", fields.List(fields.Nested(LevelRow), required=True)),
    ("categories", fields.List(fields.Nested(CategoryRow), required=True)),
    ("retention", fields.List(fields.Nested(RetentionRow), required=True)),
    ("filters", fields.Nested(ReportFilters, required=True)),
    ("pool", fields.Nested(PoolFigures, required=True)),
    ("balance_ratio_bands", fields.List(fields.Nested(BandRow), required=True)),
    ("partners_distribution", fields.List(fields.Nested(PartnersRow), required=True)),
    ("balance_bands", fields.List(fields.Nested(BandRow), required=True)),
    ("protection", fields.Nested(Protection, required=True, allow_none=True, metadata={
        "description": "How the figures are protected; null for exact figures."})),
    ("ledger_sequence", fields.Int(required=True, allow_none=True, metadata={
        "description": "The sequence number of the bank's last journal entry the figures "
                       "are computed at."})),
], "The report definitions; withheld figures are null and named in `suppressed`.")

AlertMember = _ordered("AlertMember", [
    ("member_id", fields.Int(required=True)), ("name", fields.Str(required=True)),
    ("group", fields.Str(required=True)), ("given_minutes", fields.Int(required=True)),
    ("received_minutes", fields.Int(required=True)),
    ("last_exchange", fields.Date(required=True, allow_none=True)),
    ("balance_minutes", fields.Int(required=True)), ("floor_minutes", fields.Int(required=True))])
MemberAlerts = _ordered("MemberAlerts", [
    ("from", fields.Date(required=True)), ("to", fields.Date(required=True)),
    ("dormant_days", fields.Int(required=True)),
    ("near_floor_minutes", fields.Int(required=True)),
    ("give_only", fields.List(fields.Nested(AlertMember), required=True)),
    ("receive_only", fields.List(fields.Nested(AlertMember), required=True)),
    ("near_floor", fields.List(fields.Nested(AlertMember), required=True)),
    ("dormant", fields.List(fields.Nested(AlertMember), required=True)),
], "Members to contact (coordinators only): names are shown here.")
