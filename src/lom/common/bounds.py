"""The upper bounds every input is held to: in the models, the forms and the API schemas.

A bound is a promise to the rest of the code (sums fit a 64-bit column, a page never renders a
10 MB text) and a clear message to the user instead of a 500."""

# Money, in öre. The largest single amount anyone enters: a region's annual payroll is about
# 5 * 10**12 öre, so 10**14 (1 000 billion kr) leaves room; 90 000 such amounts still sum
# inside a signed 64-bit column.
MAX_AMOUNT_ORE = 10**14

# Head counts (participants, employees in a group, seats at an event).
MAX_COUNT = 1_000_000

# Hours (working time in a measure, counselling time).
MAX_HOURS = 100_000

# Text lengths, in characters.
NAME_MAX = 200  # a name, a title, a label
SHORT_TEXT_MAX = 1_000  # a reason line, a short note
TEXT_MAX = 10_000  # a description, a background, minutes of a discussion
COMMENT_MAX = 5_000  # a comment on a case, a reason for a decision

# The largest id a database integer column holds: a larger one makes SQLite raise
# OverflowError (a 500) instead of "not found".
DB_ID_MAX = 2**63 - 1

# The years a date or a moment given to the API may name: wide enough for any employment,
# plan or meeting, narrow enough that date arithmetic never overflows and PostgreSQL never
# refuses the value.
FIRST_YEAR = 1900
LAST_YEAR = 2200
# The largest offset from UTC a moment may carry (the world's zones lie within ±14 hours).
MAX_UTC_OFFSET_HOURS = 14
