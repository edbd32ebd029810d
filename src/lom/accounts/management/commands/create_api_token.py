from django.core.management.base import BaseCommand, CommandError

from lom.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Create an API token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="api")

    def handle(self, *args, username, name, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        _token, raw = ApiToken.issue(user=user, name=name)
        self.stdout.write(raw)
