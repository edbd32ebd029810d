"""Who may see and act on campaigns: coordinators and administrators act; union
representatives (and the decision makers and auditors) see the campaigns and their funnels."""

SENDERS = ("coordinator", "org_admin")
READERS = ("coordinator", "org_admin", "union_rep", "decision_maker", "auditor")
