"""Measuring attribution extraction against PolNeAR-style gold (issue 4).

`corpus` reads a PolNeAR-layout directory, `scoring` implements the metrics of the
reference scorer (../shared/eval/score.py), `runner` ties a predict function to both.
"""
