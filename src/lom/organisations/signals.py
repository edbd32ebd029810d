"""Signals for the packages above organisations that keep copies of organisation data."""

from django.dispatch import Signal

# Sent inside the transaction that changed unit paths, with `organisation_id` and `unit_ids`
# (the units whose path changed). The cases package keeps each case's copy of its unit's path
# (for one indexed prefix query per manager) and follows.
unit_paths_changed = Signal()
