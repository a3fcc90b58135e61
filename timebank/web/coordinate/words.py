"""Plain words for the codes the coordinator pages show: statuses, groups, roles, alerts,
participation levels and audit actions. Statuses come with a colour, never colour alone."""

from flask_babel import lazy_gettext as _l

from .. import bp

GROUP_WORDS = {"citizen": _l("Local resident"), "professional": _l("Professional"),
               "organisation": _l("Organisation")}
ROLE_WORDS = {"member": _l("Member"), "coordinator": _l("Coordinator"),
              "evaluator": _l("Evaluator")}

STATUSES = {
    "member": {"pending": (_l("Waiting for approval"), "waiting"),
               "active": (_l("Active"), "ok"),
               "suspended": (_l("Suspended"), "problem"),
               "left": (_l("Left"), "neutral")},
    "listing": {"pending": (_l("Waiting for approval"), "waiting"),
                "approved": (_l("Published"), "ok"),
                "rejected": (_l("Rejected"), "problem"),
                "withdrawn": (_l("Withdrawn"), "neutral"),
                "expired": (_l("Expired"), "neutral")},
    "exchange": {"awaiting_confirmation": (_l("Waiting for the other person"), "waiting"),
                 "awaiting_approval": (_l("Waiting for approval"), "waiting"),
                 "posted": (_l("Recorded"), "ok"),
                 "disputed": (_l("Disputed"), "problem"),
                 "cancelled": (_l("Cancelled"), "neutral"),
                 "expired": (_l("Expired"), "neutral"),
                 "reversed": (_l("Reversed"), "neutral")},
}

ALERT_WORDS = {"near_floor": _l("near floor"), "only_gives": _l("only gives"),
               "only_receives": _l("only receives"), "dormant": _l("dormant")}

# The Spectrum of Participation, in plain words.
LEVELS = (
    ("inform", _l("Inform"),
     _l("People are told what is happening and why. They don't take part in decisions.")),
    ("educate", _l("Educate"),
     _l("People learn about an issue or a service, so that they can take part.")),
    ("consult", _l("Consult"),
     _l("People are asked for their views. Others make the decision.")),
    ("engage", _l("Engage"),
     _l("People take part in the discussion, and what they say shapes the decision.")),
    ("co-design", _l("Co-design"),
     _l("People and staff design a service together, sharing the decisions.")),
    ("co-produce", _l("Co-produce"),
     _l("People and staff plan and deliver a service together, as equal partners.")),
)
LEVEL_WORDS = {code: label for code, label, _explanation in LEVELS}

ENTRY_WORDS = {"exchange": _l("Exchange"), "group_credit": _l("Group session"),
               "donation": _l("Gift to the pool"), "grant": _l("From the pool"),
               "reversal": _l("Correction")}

ACTION_WORDS = {
    "member.created": _l("Added a member"),
    "member.changed": _l("Changed a member"),
    "account.limits_changed": _l("Changed limits"),
    "account.limits_recorded": _l("Recorded limits"),
    "listing.approved": _l("Published an offer or request"),
    "listing.rejected": _l("Rejected an offer or request"),
    "exchange.logged_for": _l("Recorded time for members"),
    "exchange.approved": _l("Approved an exchange"),
    "exchange.cancelled": _l("Cancelled an exchange"),
    "exchange.reversed": _l("Reversed an exchange"),
    "exchange.corrected": _l("Corrected a disputed exchange"),
    "group_credit.recorded": _l("Recorded a group session"),
    "pool.granted": _l("Granted time from the pool"),
    "category.created": _l("Added a category"),
    "activity.created": _l("Added an activity"),
    "bank.created": _l("Created the time bank"),
    "bank.settings_changed": _l("Changed the settings"),
    "bank.logo_changed": _l("Changed the logo"),
    "research_grant.granted": _l("Granted a research extract"),
    "research_grant.revoked": _l("Revoked a research grant"),
    "research_extract.downloaded": _l("Downloaded the research extract"),
    "member.data_exported": _l("Downloaded a member's data"),
    "member.erased": _l("Erased a member's personal data"),
    "privacy.published": _l("Published a privacy notice"),
}

FIELD_WORDS = {
    "status": _l("status"), "role": _l("role"), "group": _l("group"),
    "floor_minutes": _l("lowest balance"), "ceiling_minutes": _l("highest balance"),
    "name": _l("name"), "default_floor_minutes": _l("lowest balance for new members"),
    "default_ceiling_minutes": _l("highest balance for new members"),
    "approval_threshold_minutes": _l("approval above"),
    "approval_required": _l("every exchange approved"),
    "moderate_listings": _l("offers and requests approved"),
    "confirmation_days": _l("days to confirm"), "listing_days": _l("days a listing lasts"),
    "dormant_days": _l("days before dormant"),
    "suppression_threshold": _l("smallest group in reports"),
    "max_exchange_minutes": _l("longest exchange"), "minutes": _l("time"),
    "members": _l("members"), "direction": _l("direction"),
    "erased_balance_to": _l("balance of erased members"),
    "retention_days": _l("days data is kept after leaving"),
    "reason_code": _l("reason"), "version": _l("version"),
    "occurred_on": _l("date"), "description": _l("description"), "skills": _l("skills"),
    "colour": _l("colour"), "welcome_text_en": _l("welcome in English"),
    "welcome_text_cy": _l("welcome in Welsh"), "contact_phone": _l("phone"),
    "contact_email": _l("email"), "contact_address": _l("address"),
    "opening_hours": _l("opening hours"), "logo": _l("logo"),
    "content_type": _l("type"), "bytes": _l("size in bytes"),
    "birth_year": _l("year of birth"),
}


def status_of(kind, value):
    """(words, colour) for a status."""
    return STATUSES[kind].get(value, (value, "neutral"))


def word(table, value):
    tables = {"group": GROUP_WORDS, "role": ROLE_WORDS, "alert": ALERT_WORDS,
              "level": LEVEL_WORDS, "entry": ENTRY_WORDS, "action": ACTION_WORDS,
              "field": FIELD_WORDS}
    return tables[table].get(value, value)


bp.add_app_template_global(status_of, "coord_status")
bp.add_app_template_global(word, "coord_word")
