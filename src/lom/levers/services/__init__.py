"""Writes of the levers package: campaigns (save, send, cancel, deliver) and opt-outs."""
