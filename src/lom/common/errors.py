class DomainError(Exception):
    """A rule refused the action. The message is for the user (Swedish, translatable);
    `field` names the form field it belongs to, when there is one."""

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class PermissionDeniedError(DomainError):
    def __init__(self, message, *, code: str = "forbidden"):
        super().__init__(message, code=code)
