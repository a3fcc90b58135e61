"""Who is signed in on the web: Flask-Login glue around users and their membership."""

from flask_login import UserMixin

from ..extensions import db, login_manager
from ..models import User
from ..models.statuses import MemberStatus


class SignedIn(UserMixin):
    """The signed-in user; the id carries the session version so sign-out-everywhere works."""

    def __init__(self, user: User):
        self.user = user
        self.member = user.member

    def get_id(self):
        return f"{self.user.id}:{self.user.session_version}"

    @property
    def is_active(self):
        return self.user.is_admin or (self.member is not None and self.member.status == MemberStatus.ACTIVE)


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    signed_in = SignedIn(user)
    return signed_in if signed_in.is_active else None


def init_app(app):
    login_manager.login_view = "web.sign_in"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
