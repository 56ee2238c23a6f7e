"""The hostile-input walk (core/tests/hostile_world.py) over the car-park URLs only:
the full walk covers them too, this one runs in seconds."""

import pytest

from digitalstadt.core.tests.hostile_walk import Walk, recording_reads, site_routes
from digitalstadt.core.tests.hostile_world import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("user_kind", ["anonymous", "citizen"])
def test_no_car_park_url_answers_500(user_kind, clock):
    clock.set_time_of_day(9, 30)
    world = build_world()
    walk = Walk(world, user_kind)
    routes = [r for r in site_routes() if r.template.startswith(("{lang}parken/", "{lang}parkhausbetreiber/"))]
    assert len(routes) >= 5
    with recording_reads():
        for route in routes:
            walk.run(route)
    assert walk.requests > 50
    assert not walk.failures, "\n".join(walk.failures)
