from django.tasks import task


@task()
def train_forecasts() -> dict:
    """Train every active car park's forecast (also `manage.py parking_train_forecasts`, run nightly)."""
    from .forecast_services import forecasts_train_all

    return forecasts_train_all()
