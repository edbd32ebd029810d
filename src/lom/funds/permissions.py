"""Who may read and change the fund: the same for its pages and its API."""

# Who reads the fund's periods, balances and ledger.
FUND_READERS = ("coordinator", "decision_maker", "auditor", "org_admin", "union_rep")
# Who sets up a fund period.
FUND_KEEPERS = ("coordinator", "org_admin")
