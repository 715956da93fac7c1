from django.apps import AppConfig


class BatchesConfig(AppConfig):
    name = "modules.batches"
    label = "batches"
    verbose_name = "Batches (FilesTalk)"

    def ready(self) -> None:
        from django.core import checks

        from core import auth, jobs
        from modules.batches import api, schemas
        from modules.batches.checks import check_engine_settings
        from modules.batches.services import worker

        jobs.register(worker.BATCH_QUEUE)
        auth.register_token_exchange(
            api.exchange_token,
            request_schema=schemas.BatchTokenIn,
            responses={
                200: schemas.BatchTokenOut,
                400: schemas.LegacyErrorOut,
                401: schemas.LegacyErrorOut,
                403: schemas.LegacyErrorOut,
            },
        )
        checks.register(check_engine_settings)
