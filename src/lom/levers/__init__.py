"""Levers against unused money: what the forecast's warning can be turned into (reaching
under-reached groups, silent units, unplanned money, group measures), campaigns that carry a
lever to the employees or managers it concerns, and the measured effect of each campaign."""
