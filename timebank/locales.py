"""Which Babel locale formats a language's dates and numbers.

The site offers languages ("en", "cy"); Babel formats by locale. Plain "en" is
American English ("January 1, 2026"), so English is formatted as British
English ("1 January 2026"). Translations are looked up by language, and
gettext falls back from "en_GB" to "en", so catalogues stay under the language.
"""

from flask_babel import get_locale

FORMATTING_LOCALES = {"en": "en_GB"}


def formatting_locale(language):
    """The Babel locale for a language code ("en" -> "en_GB"); None stays None."""
    if language is None:
        return None
    return FORMATTING_LOCALES.get(language, language)


def current_language():
    """The reader's language code ("en", "cy"), whatever region formats it."""
    locale = get_locale()
    return locale.language if locale is not None else "en"
