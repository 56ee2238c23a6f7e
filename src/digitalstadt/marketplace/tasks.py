from django.tasks import task


@task()
def fetch_product_images(image_ids: list[int]) -> dict[str, int]:
    """Fetch imported product images by their address; a bad one gets its error set."""
    from .images import product_image_fetch

    outcome: dict[str, int] = {}
    for image_id in image_ids:
        result = product_image_fetch(image_id=image_id)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome
