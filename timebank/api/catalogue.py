"""Categories and activities of the bank."""

from .. import schemas
from ..services import catalogue
from . import bp
from .endpoint import endpoint, page_body


@bp.get("/categories")
@endpoint("List the bank's categories", tag="catalogue", query=schemas.ListQuery,
          response=schemas.CategoryPage)
def list_categories(actor, query, now):
    return page_body(catalogue.list_categories(actor, **query))


@bp.post("/categories")
@endpoint("Add a category (coordinators)", tag="catalogue", body=schemas.CategoryCreate,
          response=schemas.Category, status=201, idempotent=True)
def create_category(actor, data, now):
    return catalogue.create_category(actor, name=data["name"], now=now)


@bp.get("/activities")
@endpoint("List the bank's co-production activities", tag="catalogue", query=schemas.ListQuery,
          response=schemas.ActivityPage)
def list_activities(actor, query, now):
    return page_body(catalogue.list_activities(actor, **query))


@bp.post("/activities")
@endpoint("Add an activity with its participation level (coordinators)", tag="catalogue",
          body=schemas.ActivityCreate, response=schemas.Activity, status=201, idempotent=True)
def create_activity(actor, data, now):
    return catalogue.create_activity(actor, name=data["name"], level=data["level"], now=now)
