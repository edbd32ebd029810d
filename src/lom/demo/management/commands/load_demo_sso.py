"""Sign-in through the local test identity providers for two demo organisations: Statens
tillsynsverk by SAML 2.0 (devidp.saml_idp), Region Norrsund by OpenID Connect (devidp.oidc).
`make demo` starts both providers before this command. Idempotent."""

import time

from django.core.management.base import BaseCommand

from lom.common.errors import DomainError
from lom.demo.users import DEMO_EMPLOYEE_NUMBERS
from lom.identity.models import SsoConfig
from lom.identity.services.config import role_mapping_add, sso_config_save
from lom.organisations.models import Employee, Organisation, Role, Unit
from lom.organisations.services import employee_number_set

SAML_METADATA_URL = "http://127.0.0.1:8101/metadata"
OIDC_ISSUER = "http://127.0.0.1:8102/o"


class Command(BaseCommand):
    help = "Configure SSO with the local test IdPs for the demo organisations."

    def add_arguments(self, parser):
        parser.add_argument("--saml-metadata-url", default=SAML_METADATA_URL)
        parser.add_argument("--oidc-issuer", default=OIDC_ISSUER)
        parser.add_argument("--wait", type=float, default=15.0, help="seconds to wait for IdPs")

    def handle(self, *args, **options):
        self._employee_numbers()
        self._saml(options["saml_metadata_url"], options["wait"])
        self._oidc(options["oidc_issuer"])

    def _employee_numbers(self):
        """The test IdPs send employee numbers; the demo's staff register gets the same."""
        for slug, numbers in DEMO_EMPLOYEE_NUMBERS.items():
            for email, number in numbers.items():
                employee = Employee.objects.filter(organisation__slug=slug, email=email).first()
                if employee is not None and employee.employee_number != number:
                    employee_number_set(actor=None, employee=employee, employee_number=number)

    def _org(self, slug):
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            self.stdout.write(f"{slug}: not loaded, no SSO configured.")
        elif SsoConfig.objects.filter(organisation=org).exists():
            self.stdout.write(f"{org.name}: SSO already configured, left as it is.")
            return None
        return org

    def _saml(self, metadata_url, wait):
        org = self._org("tillsynsverket")
        if org is None:
            return
        deadline = time.monotonic() + wait
        while True:
            try:
                sso_config_save(
                    actor=None,
                    organisation=org,
                    protocol="saml",
                    saml_metadata_url=metadata_url,
                    attr_given_name="givenName",
                    attr_family_name="sn",
                )
                break
            except DomainError as exc:
                if time.monotonic() > deadline:
                    self.stdout.write(
                        self.style.WARNING(f"{org.name}: SAML not configured ({exc.message}).")
                    )
                    return
                time.sleep(0.5)
        self._mappings(org, manager_unit="Tillsyn Nord")
        self.stdout.write(self.style.SUCCESS(f"{org.name}: SAML sign-in via {metadata_url}."))

    def _oidc(self, issuer):
        org = self._org("region-norrsund")
        if org is None:
            return
        sso_config_save(
            actor=None,
            organisation=org,
            protocol="oidc",
            oidc_issuer=issuer,
            oidc_client_id="lom",
            oidc_client_secret="lom-dev-secret",  # noqa: S106 - the local test provider's
        )
        self._mappings(org, manager_unit=None)
        self.stdout.write(self.style.SUCCESS(f"{org.name}: OpenID Connect sign-in via {issuer}."))

    def _mappings(self, org, *, manager_unit):
        role_mapping_add(
            actor=None, organisation=org, group="LOM-Samordnare", role=Role.COORDINATOR
        )
        if manager_unit is None:
            return
        unit = Unit.objects.get(organisation=org, name=manager_unit)
        role_mapping_add(
            actor=None,
            organisation=org,
            group="LOM-Chefer-Tillsyn-Nord",
            role=Role.MANAGER,
            unit_id=unit.pk,
        )
