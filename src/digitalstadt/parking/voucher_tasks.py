from django.tasks import task


@task()
def notify_voucher_issued(voucher_id: int) -> str:
    """The shopper's e-mail (with the QR code) and Postfach message about a new voucher,
    sent by the worker: a mail problem can never undo the payment that earned it.
    Enqueued in the voucher's transaction; safe to run twice (a voucher no longer
    usable is not announced)."""
    from .voucher_services import voucher_notify_shopper

    return voucher_notify_shopper(voucher_id=voucher_id)
