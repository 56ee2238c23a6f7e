"""Writes through the Django admin are audited: staff-role grants, fees, organisations,
bulk deletes; and every registered ModelAdmin that allows writes is an audited one."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import RequestFactory

from digitalstadt.accounts.models import Organisation, OrganisationKind, StaffRole, StaffRoleKind
from digitalstadt.catalog.models import Fee, Service
from digitalstadt.core.admin import AuditedAdminMixin
from digitalstadt.core.models import AuditEntry

from .conftest import full_login, make_user

pytestmark = pytest.mark.django_db


class _AdminForm(HTMLParser):
    """The fields a browser would submit from the admin's change form (`<form id="…_form">`)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_values: list[str] = []
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select":
            self._select, self._select_values, self._select_chosen = a.get("name"), [], False
        elif tag == "option" and self._select:
            self._select_values.append(a.get("value", ""))
            if "selected" in a:
                self.fields.append((self._select, a.get("value", "")))
                self._select_chosen = True
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_values:
                self.fields.append((self._select, self._select_values[0]))  # what a browser sends
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    parser = _AdminForm(form_id)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        if "__prefix__" not in name:
            data.setdefault(name, []).append(value)
    return data


def add_inline_row(data: dict[str, list[str]], prefix: str, **values: str) -> None:
    """What the admin's "add another" link does: one more row of an inline formset."""
    index = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = [value]


def admin_entries(action: str, obj) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, subject_type=obj._meta.label_lower,
                                          subject_id=str(obj.pk)))


@pytest.fixture
def superuser(client):
    user = make_user("root@darmstadt.example", role=StaffRoleKind.PLATFORM_ADMIN, totp=True, is_staff=True)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    full_login(client, user.email)
    return user


def test_granting_a_staff_role_in_the_admin_is_audited_with_actor_subject_and_fields(client, superuser):
    office = Organisation.objects.create(slug="buergeramt", name="Bürgeramt", kind=OrganisationKind.OFFICE)
    grantee = make_user("neu@darmstadt.example")
    url = f"/admin/accounts/user/{grantee.pk}/change/"
    data = form_data(client.get(url).content.decode(), "user_form")
    add_inline_row(data, "staff_roles", role=StaffRoleKind.CASE_WORKER, office=str(office.pk), user=str(grantee.pk))

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    role = StaffRole.objects.get(user=grantee, role=StaffRoleKind.CASE_WORKER)
    [entry] = admin_entries("admin.created", role)
    assert entry.actor == superuser and entry.actor_ref == f"user:{superuser.pk}"
    assert entry.data_subject_ref == f"user:{grantee.pk}"
    assert entry.data["model"] == "accounts.staffrole"
    assert {"role", "office"} <= set(entry.data["changed"])
    # The user's own fields did not change: no entry for the user record.
    assert admin_entries("admin.changed", grantee) == []

    # Taking the role away again is audited as a deletion of the grant.
    data = form_data(client.get(url).content.decode(), "user_form")
    data["staff_roles-0-DELETE"] = ["on"]
    assert client.post(url, data).status_code == 302
    assert not StaffRole.objects.filter(pk=role.pk).exists()
    [deleted] = AuditEntry.objects.filter(action="admin.deleted", subject_type="accounts.staffrole",
                                          subject_id=str(role.pk))
    assert deleted.actor == superuser and deleted.data_subject_ref == f"user:{grantee.pk}"


def test_changing_a_fee_in_the_admin_is_audited(client, superuser):
    service = Service.objects.create(slug="bewohnerparkausweis", name_de="Bewohnerparkausweis")
    fee = Fee.objects.create(service=service, label_de="Ein Jahr", code="year", amount_cents=12000,
                             valid_from=date(2026, 1, 1))
    url = f"/admin/catalog/service/{service.pk}/change/"
    data = form_data(client.get(url).content.decode(), "service_form")
    assert data["fees-0-amount_cents"] == ["12000"]
    data["fees-0-amount_cents"] = ["18000"]

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    fee.refresh_from_db()
    assert fee.amount_cents == 18000
    [entry] = admin_entries("admin.changed", fee)
    assert entry.actor == superuser
    assert entry.data == {"model": "catalog.fee", "changed": ["amount_cents"]}
    assert admin_entries("admin.changed", service) == []


def test_creating_changing_and_bulk_deleting_organisations_in_the_admin_is_audited(client, superuser):
    data = {"name": "Kaffeerösterei am Markt", "slug": "kaffeeroesterei", "kind": OrganisationKind.COMPANY,
            "email": "", "street": "", "postal_code": "", "city": "Darmstadt",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}
    response = client.post("/admin/accounts/organisation/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    org = Organisation.objects.get(slug="kaffeeroesterei")
    [created] = admin_entries("admin.created", org)
    assert created.actor == superuser and created.data["model"] == "accounts.organisation"
    assert {"name", "slug", "kind", "city"} <= set(created.data["changed"])

    url = f"/admin/accounts/organisation/{org.pk}/change/"
    data = form_data(client.get(url).content.decode(), "organisation_form")
    data["name"] = ["Kaffeerösterei am Marktplatz"]
    data["postal_code"] = ["64283"]
    assert client.post(url, data).status_code == 302
    [changed] = admin_entries("admin.changed", org)
    assert changed.actor == superuser
    assert changed.data == {"model": "accounts.organisation", "changed": ["name", "postal_code"]}

    other = Organisation.objects.create(slug="buchladen", name="Buchladen", kind=OrganisationKind.COMPANY)
    response = client.post("/admin/accounts/organisation/", {
        "action": "delete_selected", "_selected_action": [str(org.pk), str(other.pk)], "post": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk__in=[org.pk, other.pk]).exists()
    deleted = AuditEntry.objects.filter(action="admin.deleted", subject_type="accounts.organisation")
    assert sorted(e.subject_id for e in deleted) == sorted([str(org.pk), str(other.pk)])
    assert all(e.actor == superuser for e in deleted)


def test_every_registered_model_admin_that_allows_writes_is_audited(db):
    user = make_user("pruefung@darmstadt.example", is_staff=True)
    user.is_superuser = True
    request = RequestFactory().get("/admin/")
    request.user = user
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        writes = (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                  or model_admin.has_delete_permission(request))
        if writes and not isinstance(model_admin, AuditedAdminMixin):
            unaudited.append(model._meta.label)
    assert unaudited == []


def test_setting_a_password_in_the_admin_is_audited_without_the_password(client, superuser):
    person = make_user("vergessen@darmstadt.example")
    new_password = "Neues-Passwort-fuer-Darmstadt-2026"

    response = client.post(f"/admin/accounts/user/{person.pk}/password/",
                           {"password1": new_password, "password2": new_password, "usable_password": "true"})

    assert response.status_code == 302, response.content.decode()[-3000:]
    [entry] = admin_entries("admin.changed", person)
    assert entry.actor == superuser and entry.data_subject_ref == f"user:{person.pk}"
    assert entry.data == {"model": "accounts.user", "changed": ["password"]}
    assert new_password not in str(entry.data)
