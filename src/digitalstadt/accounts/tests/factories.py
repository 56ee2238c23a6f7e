"""Factories for people and organisations, shared by every app's tests.

    citizen = CitizenFactory(email="berta@example.org")          # confirmed e-mail
    eid = CitizenFactory(assurance_level=AssuranceLevel.EID_HIGH, eid_subject="demo-eid-emil")
    clerk = StaffFactory(role=StaffRoleKind.CASE_WORKER, office=office)   # TOTP set up
    shop = OrganisationFactory(kind=OrganisationKind.SHOP, owner=citizen)
"""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from digitalstadt.accounts.models import (
    AssuranceLevel, Membership, Organisation, OrganisationKind, OrgRole, StaffRole, User,
)

PASSWORD = "Sicher-genug-2026"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPTESTTOTP234567AB"


class UserFactory(factory.django.DjangoModelFactory):
    """An account with a password (`PASSWORD`) and, unless `verified=False`, a confirmed
    primary e-mail address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Berta"
    last_name = "Bürger"
    language = "de"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password", PASSWORD)
        return model_class.objects.create_user(*args, password=password, **kwargs)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


class CitizenFactory(UserFactory):
    assurance_level = AssuranceLevel.EMAIL
    assurance_source = "e-mail"


class StaffFactory(UserFactory):
    """City staff with one role (scoped to `office` or `location` where given) and TOTP
    activated with `STAFF_TOTP_SECRET` (staff pages need the second factor)."""

    first_name = "Sami"
    last_name = "Sachbearbeiter"

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            offices = kwargs.pop("offices", None) or [kwargs.pop("office", None)]
            for office in offices:
                StaffRole.objects.create(user=self, role=extracted, office=office, **kwargs)

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
            from allauth.mfa.totp.internal.auth import TOTP

            TOTP.activate(self, extracted if isinstance(extracted, str) else STAFF_TOTP_SECRET)
            RecoveryCodes.activate(self)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganisationKind.COMPANY
    city = "Darmstadt"

    @factory.post_generation
    def owner(self, create, extracted, **kwargs):
        if create and extracted is not None:
            Membership.objects.create(user=extracted, organisation=self, role=OrgRole.OWNER)


class OfficeFactory(OrganisationFactory):
    kind = OrganisationKind.OFFICE
    name = factory.Sequence(lambda n: f"Amt {n}")
    slug = factory.Sequence(lambda n: f"amt-{n}")
