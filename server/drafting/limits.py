"""Sizes a person can type; larger input is refused with a message."""

TITLE_MAX = 300
PUBLISHER_MAX = 200
URL_MAX = 2000
SUMMARY_MAX = 20_000
HEADING_MAX = 300
BODY_MAX = 50_000
