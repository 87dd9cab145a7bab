"""The text search configurations: one per PostgreSQL snowball language, each folding accents.

Only the early migrations use them (search moved to tantivy); kept here, beside them, because
they must not change meaning after a migration has used them. The leading underscore keeps
Django's migration loader from taking this module for a migration.
"""

from __future__ import annotations

# ISO 639-1 code -> PostgreSQL snowball language (present in PostgreSQL 15 and later).
SNOWBALL_LANGUAGES: dict[str, str] = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}

# Languages without a stemmer are searched word for word, accents folded.
FALLBACK_CONFIG = "newsapi_simple"

# Token types that carry words; numbers, URLs and e-mail addresses keep the default mapping.
WORD_TOKENS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"


def config_name(snowball_language: str) -> str:
    return f"newsapi_{snowball_language}"


def config_for_language(language: str) -> str:
    """The configuration that stems ``language`` (an ISO 639-1 code)."""
    snowball = SNOWBALL_LANGUAGES.get(language)
    return config_name(snowball) if snowball else FALLBACK_CONFIG


def create_configurations_sql() -> list[str]:
    """SQL that creates every configuration: unaccent first, then the language's stemmer."""
    statements = [
        f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {FALLBACK_CONFIG}",
        f"CREATE TEXT SEARCH CONFIGURATION {FALLBACK_CONFIG} (COPY = pg_catalog.simple)",
        f"ALTER TEXT SEARCH CONFIGURATION {FALLBACK_CONFIG} "
        f"ALTER MAPPING FOR {WORD_TOKENS} WITH public.unaccent, pg_catalog.simple",
    ]
    for language in sorted(set(SNOWBALL_LANGUAGES.values())):
        name = config_name(language)
        statements += [
            f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}",
            f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{language})",
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR {WORD_TOKENS} WITH public.unaccent, pg_catalog.{language}_stem",
        ]
    return statements


def drop_configurations_sql() -> list[str]:
    names = [FALLBACK_CONFIG] + [config_name(lang) for lang in set(SNOWBALL_LANGUAGES.values())]
    return [f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}" for name in sorted(names)]
