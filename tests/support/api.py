"""Talking to the API in tests: tokens for members, and JSON helpers."""

from timebank.models._types import utcnow
from timebank.services import auth


def token_for(member, hours=24):
    token, _ = auth.create_token(member.user_id, hours=hours, now=utcnow())
    return token


class ApiClient:
    """A Flask test client that speaks for one member."""

    def __init__(self, client, member):
        self.client = client
        self.member = member
        self.headers = {"Authorization": f"Bearer {token_for(member)}"}

    def _call(self, method, path, json=None, headers=None, **kwargs):
        merged = dict(self.headers, **(headers or {}))
        return getattr(self.client, method)("/api/v1" + path, json=json, headers=merged, **kwargs)

    def get(self, path, **kwargs):
        return self._call("get", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self._call("post", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self._call("patch", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self._call("delete", path, **kwargs)
