"""The one switch negative-control tests use (core.locking.negative_control)."""

import pytest


def test_negative_controls_only_work_where_test_settings_allow_them(settings):
    from django.core.exceptions import ImproperlyConfigured

    from digitalstadt.core.locking import _control, negative_control, race_window

    calls = []
    with negative_control(unlock=["register.PickupDate"], windows={"somewhere": lambda: calls.append(1)}):
        race_window("somewhere")
        race_window("elsewhere")
        assert _control["unlocked"] == {"register.pickupdate"}
    race_window("somewhere")  # switched off again on leaving
    assert calls == [1] and not _control["unlocked"]
    settings.NEGATIVE_CONTROLS_ALLOWED = False
    with pytest.raises(ImproperlyConfigured), negative_control(unlock=["register.PickupDate"]):
        pass
    assert not _control["unlocked"]
