"""The one form layer of the pages: Flask-WTF (WTForms) classes, one per HTML form.

Every page that takes input reads it through a form here: fields and checks in
`fields` (their limits shared with the API's schemas through `field_rules`),
errors shaped for the templates in `errors`, and forms that must post once in
`once`. The member and coordinator forms are in `member` and `coordinate`,
signing in and accounts in `accounts`.
"""

from .base import PageForm

__all__ = ["PageForm"]
