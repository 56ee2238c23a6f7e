from django.tasks import task


@task()
def issue_receipt(case_id: int) -> str:
    from .services import case_issue_receipt

    return case_issue_receipt(case_id=case_id)


@task()
def decide_automatically(case_id: int) -> str:
    from .services import case_decide_automatically

    return case_decide_automatically(case_id=case_id)
