"""Blob stores: S3 in AWS, a folder locally."""
