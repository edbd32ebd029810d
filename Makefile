# LOM: the two commands a fresh clone needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SAML_IDP_PORT ?= 8101
OIDC_IDP_PORT ?= 8102
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: install demo serve test contract test-postgres lint format messages bench-data bench bench-users bench-replica clean typecheck imports smoke

## The development virtualenv: the production lock plus the test and development tools.
$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.lock
	touch $@

## The tests' front-end tools (axe-core for the accessibility sweep), from package-lock.json,
## when npm is there (CI installs it; without it the sweep is skipped locally).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; fi

install: $(VENV)/.installed node_modules/.installed

## Start the system with demo data on the embedded SQLite database. Background work (previews of
## imports, mail) runs at once in the demo, without a worker; demo loaders send no mail.
DEMO_ENV := DEBUG=1 TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend
demo: install
	mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_demo
	$(DEMO_ENV) $(PY) manage.py load_demo_followup
	$(DEMO_ENV) $(PY) manage.py load_demo_planning
	$(DEMO_ENV) $(PY) manage.py load_demo_fund
	$(DEMO_ENV) $(PY) manage.py load_demo_decisions
	$(DEMO_ENV) $(PY) manage.py load_demo_rounds
	$(DEMO_ENV) $(PY) manage.py load_demo_support
	$(DEMO_ENV) $(PY) manage.py load_demo_library
	$(DEMO_ENV) $(PY) manage.py load_demo_events
	$(DEMO_ENV) $(PY) manage.py load_demo_outreach
	$(DEMO_ENV) $(PY) manage.py load_demo_levers
	$(DEMO_ENV) $(PY) manage.py load_demo_sector
	@# The local test identity providers run beside the demo and stop with it (Ctrl-C):
	@# SAML 2.0 on :$(SAML_IDP_PORT) for Statens tillsynsverk, OpenID Connect on :$(OIDC_IDP_PORT)
	@# for Region Norrsund. Their people are in devidp/users.json (password "idp").
	bash -c 'trap "kill \$$(jobs -p) 2>/dev/null" EXIT; \
		$(PY) -m devidp.saml_idp --port $(SAML_IDP_PORT) & \
		$(PY) -m devidp.oidc --port $(OIDC_IDP_PORT) \
			--redirect-uri http://127.0.0.1:$(PORT)/sso/oidc/region-norrsund/callback/ \
			--redirect-uri http://localhost:$(PORT)/sso/oidc/region-norrsund/callback/ & \
		$(DEMO_ENV) $(PY) manage.py load_demo_sso \
			--saml-metadata-url http://127.0.0.1:$(SAML_IDP_PORT)/metadata \
			--oidc-issuer http://127.0.0.1:$(OIDC_IDP_PORT)/o; \
		$(DEMO_ENV) LOM_TOTP_REQUIRED=0 \
			$(PY) manage.py runserver 127.0.0.1:$(PORT)'

## Run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
## The API contract (schemathesis) runs in processes of its own: under xdist its generated
## tests collapse to a single operation. Its two roles run side by side (one per core), each
## writing its own report (test-artifacts/api-contract-<role>.json) and log.
CONTRACT := tests/api/test_contract.py

## The guards run first (lint, format, types, the import contract); the suite then checks the rest
## (tenant scope, one action per service, module size, the API contract with schemathesis).
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check src tests bench tools devidp
	DEBUG=1 $(VENV)/bin/mypy $(TYPED)
	PYTHONPATH=src $(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest -n 2 --dist loadfile --ignore=$(CONTRACT) --ignore=tests/deploy
	$(MAKE) --no-print-directory contract

contract:
	@mkdir -p test-artifacts
	@LOM_TEST_DB_SUFFIX=coordinator LOM_CONTRACT_REPORT=test-artifacts/api-contract-coordinator.json \
	  $(VENV)/bin/pytest -p no:xdist "$(CONTRACT)::test_every_operation_keeps_its_contract_for_a_coordinator" \
	  "$(CONTRACT)::test_every_operation_has_a_typed_success_response" > test-artifacts/contract-coordinator.log 2>&1 & c=$$!; \
	LOM_TEST_DB_SUFFIX=employee LOM_CONTRACT_REPORT=test-artifacts/api-contract-employee.json \
	  $(VENV)/bin/pytest -p no:xdist "$(CONTRACT)::test_every_operation_keeps_its_contract_for_an_employee" \
	  > test-artifacts/contract-employee.log 2>&1 & e=$$!; \
	wait $$c; rc=$$?; wait $$e; re=$$?; \
	tail -n 40 test-artifacts/contract-coordinator.log; tail -n 40 test-artifacts/contract-employee.log; \
	test $$rc -eq 0 && test $$re -eq 0

## The production smoke test (tests/deploy/, not part of `make test`): a scratch database on
## SMOKE_SERVER (PostgreSQL), two gunicorn app servers, a worker, the scheduler and nginx with
## TLS, started from deploy/; a browser journey through nginx, then a load run of approvals
## during which one app server is killed. Figures in test-artifacts/smoke-kill.json.
SMOKE_SERVER ?= postgres://postgres@127.0.0.1:54329
smoke: install
	LOM_SMOKE_SERVER=$(SMOKE_SERVER) $(VENV)/bin/pytest -p no:xdist -s tests/deploy

## mypy (django-stubs) on every services and selectors module, a module or a package of modules.
TYPED := src/lom/operations/integrity.py src/lom/common/pagination.py $(shell find src/lom -path '*/migrations' -prune -o \( -name 'services*.py' -o -name 'selectors*.py' -o -path '*/services/*.py' -o -path '*/selectors/*.py' \) -print | sort)
typecheck: install
	DEBUG=1 $(VENV)/bin/mypy $(TYPED)

## The import contract (pyproject.toml, [tool.importlinter]): layers inside each package, and
## the packages in one order (no cycles).
imports: install
	PYTHONPATH=src $(VENV)/bin/lint-imports --no-cache

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check src tests bench tools devidp

format: install
	$(VENV)/bin/ruff format src tests bench tools
	$(VENV)/bin/ruff check --fix .

## Apps with a catalogue of their own (src/lom/<app>/locale) are left out of the main one and
## extracted without project settings, so their strings land in their own catalogue.
APP_CATALOGUES := fundmode support library sector events outreach identity
messages: install
	cd src/lom && DEBUG=1 ../../$(PY) ../../manage.py makemessages -l en --no-obsolete \
		$(foreach app,$(APP_CATALOGUES),--ignore '$(app)/*')
	cd src/lom && DEBUG=1 ../../$(PY) ../../manage.py compilemessages --locale en \
		$(foreach app,$(APP_CATALOGUES),--ignore '$(app)/*')
	for app in $(APP_CATALOGUES); do \
		(cd src/lom/$$app && env -u DJANGO_SETTINGS_MODULE ../../../$(VENV)/bin/django-admin \
			makemessages -l en --no-obsolete && env -u DJANGO_SETTINGS_MODULE \
			../../../$(VENV)/bin/django-admin compilemessages) || exit 1; \
	done

clean:
	rm -rf $(VENV) var

## Benchmark data set in PostgreSQL (bench/README.md): `make bench-data SCALE=1` loads 250
## organisations, 250 000 employees and 500 000 cases into lom_bench_1 on BENCH_SERVER.
SCALE ?= 0.01
BENCH_SERVER ?= postgres://postgres@127.0.0.1:54330
bench-data: install
	$(PY) bench/generate.py --scale $(SCALE) --reset $(if $(DATABASE_URL),,--server $(BENCH_SERVER))

## Load benchmark under gunicorn (2 sync workers): `make bench SCALES=0.1,1`;
## more options through BENCH_ARGS, e.g. BENCH_ARGS="--rss-requests 10000 --rounds 2".
bench: install
	$(PY) bench/run.py --scales $(or $(SCALES),$(SCALE)) $(if $(DATABASE_URL),,--server $(BENCH_SERVER)) $(BENCH_ARGS)

## Simulated users (bench/locustfile.py) against gunicorn with 4 workers, loopback only:
## `make bench-users SCALE=1 USERS=200 RUN_TIME=600`. It opens sessions (writes django_session):
## point it at a copy of the data (DATABASE_URL=.../lom_bench_1_copy). More: USERS_ARGS.
USERS ?= 200
RUN_TIME ?= 600
bench-users: install
	$(PY) bench/users.py --scale $(SCALE) $(if $(DATABASE_URL),,--server $(BENCH_SERVER)) --users $(USERS) --run-time $(RUN_TIME) $(USERS_ARGS)

## Reports from a real PostgreSQL streaming replica (bench/replica.py): its own primary and
## standby on 127.0.0.1:54371/54372 under /tmp, the annual figures on the standby while the
## primary takes writes, checked against the primary's; removed at the end.
bench-replica: install
	$(PY) bench/replica.py --scale $(SCALE) $(REPLICA_ARGS)
