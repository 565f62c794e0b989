"""Typed errors of the domain. The API maps each to a stable JSON error `code`."""

from __future__ import annotations


class ClaimsearchError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "internal_error"
    status = 500


class DocumentError(ClaimsearchError):
    """A file that cannot become an article. Retrying it will not help."""

    code = "invalid_document"
    status = 400

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class UnsupportedFormat(DocumentError):
    code = "unsupported_format"
    status = 415


class EmptyDocument(DocumentError):
    code = "empty_document"


class UndecodableDocument(DocumentError):
    code = "undecodable_document"


class UnreadableSource(DocumentError):
    """The source names something that is not a file to read (a link out of the inbox)."""

    code = "unreadable_source"


class DocumentTooLarge(DocumentError):
    code = "document_too_large"
    status = 413


class TextTooLong(DocumentTooLarge):
    """More characters of text than extraction may take on in one file."""

    code = "text_too_long"


class TooManyLines(DocumentTooLarge):
    code = "too_many_lines"


class TokenTooLong(DocumentError):
    """A run of characters without a space far longer than any word or URL."""

    code = "token_too_long"
    status = 422


class TooFewLetters(DocumentError):
    """Mostly digits, symbols or punctuation: not prose."""

    code = "too_few_letters"
    status = 422


class InvisibleCharacters(DocumentError):
    """Zero-width, bidi-control or control characters make up too much of the text."""

    code = "invisible_characters"
    status = 422


class NestingTooDeep(DocumentError):
    """JSON values or HTML elements nested deeper than an article ever needs."""

    code = "nesting_too_deep"
    status = 422


class EntityDeclarations(DocumentError):
    """Markup that declares entities (entity expansion, external entities): never parsed."""

    code = "entity_declarations"
    status = 422


class InvalidDate(DocumentError):
    """A date field that is not ISO 8601 (see documents/dates.py)."""

    code = "invalid_date"


class NotFound(ClaimsearchError):
    code = "not_found"
    status = 404

    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"no {kind} with id {identifier!r}")
        self.kind = kind
        self.identifier = identifier


class Moved(ClaimsearchError):
    """What an id named is found under another id now: `location`, the API path of the new one."""

    status = 301

    def __init__(self, message: str, location: str) -> None:
        super().__init__(message)
        self.location = location


class ClaimantMerged(Moved):
    """A claimant id whose claims are filed under another identity now (`merged_into`)."""

    code = "claimant_merged"

    def __init__(self, claimant_id: str, merged_into: str) -> None:
        super().__init__(
            f"claimant {claimant_id} joined {merged_into}; its claims are filed there",
            f"/claimants/{merged_into}",
        )


class ClaimReplaced(Moved):
    """A claim id that an edit or a re-extraction of its article removed, and the claim that
    took its place (`claimsearch.replacements`)."""

    code = "claim_replaced"

    def __init__(self, claim_id: str, replaced_by: str) -> None:
        super().__init__(
            f"claim {claim_id} is {replaced_by} now: its article was edited or extracted again",
            f"/claims/{replaced_by}",
        )


class InvalidQuery(ClaimsearchError):
    """A search parameter is malformed; `parameter` names it."""

    code = "invalid_parameter"
    status = 400

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter
        self.reason = reason


class InvalidQueryDate(InvalidQuery):
    """A date given as a query parameter that names no day: the code a date in the body
    gets (`InvalidDate`), and the parameter named."""

    code = "invalid_date"


class IndexUnavailable(ClaimsearchError):
    """The search engine did not answer. Transient: the caller may retry."""

    code = "index_unavailable"
    status = 503


class IndexingFailed(ClaimsearchError):
    """Some claims were not indexed. Transient: the message is retried."""

    code = "indexing_failed"
    status = 503


class ExtractionFailed(DocumentError):
    """Extraction broke on this text. It is deterministic: a retry breaks the same way."""

    code = "extraction_failed"
    status = 422


class NotDeletable(ClaimsearchError):
    """The article did not come through the inbox, so the API cannot take it down."""

    code = "not_deletable"
    status = 409


class ConfigurationError(ClaimsearchError, ValueError):
    """An environment variable holds a value the settings cannot take: the operator's to fix."""

    code = "configuration_error"


class DependencyFailed(ClaimsearchError):
    """The archive, the index or the model failed for a reason that may pass. Retried."""

    code = "dependency_failed"
    status = 503
