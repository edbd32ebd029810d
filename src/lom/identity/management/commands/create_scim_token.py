from django.core.management.base import BaseCommand, CommandError

from lom.common.errors import DomainError
from lom.identity.services.scim_tokens import scim_token_issue
from lom.organisations.models import Organisation


class Command(BaseCommand):
    help = "Create a SCIM token for an organisation and print it once (only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("--name", default="scim")

    def handle(self, *args, organisation, name, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"No organisation with the slug {organisation!r}.")
        try:
            _token, raw = scim_token_issue(actor=None, organisation=org, name=name)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(raw)
