"""The contract's fixed words a consent record is written in. Kept apart from the schema so
the command line can offer them without loading pydantic."""

SCOPES = ("website", "social", "email", "print")
IDENTIFIERS = ("first_name", "full_name", "photo", "age", "town")
SIGNERS = ("patient", "representative")
DEFAULT_PURPOSE = "Publication on the practice website to help other patients."
