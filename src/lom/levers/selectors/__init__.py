"""Reads of the levers package: the levers of a fund period (`levers`) and the campaigns
with their funnels (`campaigns`)."""
