"""Bytes + file name -> `Article`, for every input format claimsearch accepts."""

from claimsearch.documents.parse import SUPPORTED_SUFFIXES, parse_document

__all__ = ["SUPPORTED_SUFFIXES", "parse_document"]
