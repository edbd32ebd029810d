"""The cases API, mounted at /api/v1/cases: one router, its operations in the modules."""

# The attachment download's fixed segment is registered before the case's own paths.
from lom.cases.api import activity, cases, letters  # noqa: F401  (they register their operations)
from lom.cases.api.router import router

__all__ = ["router"]
