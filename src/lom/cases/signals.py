"""What the cases app announces, so apps above it can act on it without cases importing them."""

from django.dispatch import Signal

# Sent by the application wizard once a person has created a draft application, with the
# keyword arguments `request` and `organisation` (outreach counts the reach of its public pages).
application_started = Signal()
