"""The levers pages, by sub-domain: `campaigns` (campaigns, nudge kits, opt-out) and `panel`
(a fund period's levers and the round from unplanned money)."""
