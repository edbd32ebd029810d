-- Candidate indexes found by the benchmark (see bench/README.md, "Findings").
-- Applied by `bench/run.py --experiment bench/experiments/indexes.sql` before the measurement
-- and removed again afterwards, so the benchmark database keeps the migrations' schema.
-- Statements are separated by ';' at the end of a line; `-- down` starts the undo part.

-- /cases/?q=<case number>: number = x OR number LIKE 'x%' OR upper(title) LIKE '%x%' cannot use
-- the (organisation_id, number) index for the prefix (non-C collation) nor any index for the
-- substring, so PostgreSQL reads every case of the organisation.
CREATE INDEX IF NOT EXISTS bench_case_org_number_pattern
    ON cases_case (organisation_id, number varchar_pattern_ops);
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS bench_case_title_trgm
    ON cases_case USING gin (upper(title) gin_trgm_ops);

-- /funds/ and /: balances sum every ledger row of the periods; a covering index makes that an
-- index-only scan (it stays O(rows); see README for the O(periods) fix).
CREATE INDEX IF NOT EXISTS bench_ledger_period_kind_amount
    ON funds_ledgerentry (period_id, kind) INCLUDE (amount_ore);

ANALYZE cases_case;
VACUUM ANALYZE funds_ledgerentry;

-- down
DROP INDEX IF EXISTS bench_case_org_number_pattern;
DROP INDEX IF EXISTS bench_case_title_trgm;
DROP INDEX IF EXISTS bench_ledger_period_kind_amount;
DROP EXTENSION IF EXISTS pg_trgm;
