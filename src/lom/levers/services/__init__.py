"""Writes of the levers package: campaigns (save, send, cancel, deliver), opt-outs, and the
round from unplanned money (`rounds`)."""

from lom.levers.services.rounds import round_from_unplanned

__all__ = ["round_from_unplanned"]
