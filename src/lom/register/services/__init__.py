"""Staff register import services: upload export files, preview them against the register in
the background, apply a clean preview as one transaction."""

from lom.register.services.applying import sync_manager_roles
from lom.register.services.runs import (
    UploadedExport,
    apply_import_task,
    import_apply,
    import_apply_batch,
    import_apply_request,
    import_discard,
    import_preview,
    import_rerun,
    import_upload,
    mapping_save,
    preview_import_task,
)

__all__ = [
    "UploadedExport",
    "apply_import_task",
    "import_apply",
    "import_apply_batch",
    "import_apply_request",
    "import_discard",
    "import_preview",
    "import_rerun",
    "import_upload",
    "mapping_save",
    "preview_import_task",
    "sync_manager_roles",
]
