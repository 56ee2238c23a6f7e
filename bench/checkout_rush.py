"""Benchmark: checkout rush. 300 signed-in shoppers, each with one unit in the cart,
check out at once for 50 units over HTTP against gunicorn on PostgreSQL (half of them
click & collect with an online payment opened, half a reservation in store).

Proves 50 sold, 0 oversold, 0 lost orders (every shopper told "placed" has an order,
every order holds its stock), and compares throughput with a trivial Django view on
the same server in the same run (ratio; the machine is shared).

    .venv/bin/python bench/checkout_rush.py            # PostgreSQL (needed for the multi-process server)
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from _setup import ROOT, django_setup, drop_postgres, percentile

SHOPPERS, UNITS, CONCURRENCY, WORKERS = int(os.environ.get("RUSH_SHOPPERS", 300)), 50, 32, 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(_NoRedirect())
REQUESTS = {"count": 0}
COUNT_LOCK = threading.Lock()


def http(url, *, cookies=None, data=None, headers=None, timeout=60):
    with COUNT_LOCK:
        REQUESTS["count"] += 1
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers


def build():
    from datetime import time as dtime

    from django.conf import settings
    from django.test import Client

    from digitalstadt.accounts.models import Membership, Organisation, OrganisationKind, OrgRole, User
    from digitalstadt.marketplace import checkout
    from digitalstadt.marketplace.models import Cart, Product, Shop, ShopOpeningHours, ShopStatus, Variant

    owner = User.objects.create_user(email="owner@bench.example", password="x" * 16)
    org = Organisation.objects.create(name="Rush-Laden", slug="rush", kind=OrganisationKind.SHOP)
    Membership.objects.create(user=owner, organisation=org, role=OrgRole.OWNER)
    shop = Shop.objects.create(organisation=org, slug="rush", name="Rush-Laden", street="Luisenplatz 1",
                               postal_code="64283", status=ShopStatus.LIVE, pickup_slot_capacity=1000,
                               pickup_lead_minutes=30)
    for weekday in range(7):
        ShopOpeningHours.objects.create(shop=shop, weekday=weekday, opens=dtime(8), closes=dtime(20))
    product = Product.unscoped_objects.create(organisation=org, shop=shop, title="Adventskalender", vat_rate=19)
    variant = Variant.unscoped_objects.create(organisation=org, product=product, sku="ADV-1", price_cents=2490,
                                              on_hand=UNITS)
    shoppers = []
    cookie_name = settings.SESSION_COOKIE_NAME
    for i in range(SHOPPERS):
        user = User.objects.create_user(email=f"s{i}@bench.example", password=None)
        checkout.cart_add(cart=Cart.objects.create(user=user), variant_id=variant.pk, quantity=1)
        client = Client()
        client.force_login(user)
        shoppers.append({cookie_name: client.cookies[cookie_name].value})
    return shop, variant, shoppers


def main() -> None:
    # The sessions made here must be valid on the benchmark server: one secret for both.
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "z" * 50)
    django_setup(database="postgres")
    server = None
    try:
        shop, variant, shoppers = build()
        from digitalstadt.marketplace.fulfilment import pickup_windows

        window = pickup_windows(shop=shop)[0].start.isoformat()
        port = free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digitalstadt.settings.bench", "PYTHONPATH": str(ROOT / "src")}
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "digitalstadt.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning"], env=env, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if http(f"{base}/bench/trivial", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        lock = threading.Lock()
        latencies, outcomes, placed = [], {}, []
        page = f"{base}/marktplatz/warenkorb/kasse/"

        def shopper(i: int) -> None:
            cookies = dict(shoppers[i])
            status, body, headers = http(page, cookies=cookies, headers={"X-Bench-Client": f"c{i}"})
            for header in headers.get_all("Set-Cookie") or []:
                key, _, rest = header.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
            if status != 200:
                raise RuntimeError(f"checkout page answered {status}: {body[:300]!r} {headers.get('Location')}")
            csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
            how = "click_collect" if i % 2 else "reserve"
            data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, f"fulfilment-{shop.pk}": how,
                                           f"window-{shop.pk}-click_collect": window, "name": f"Kundin {i}",
                                           "email": f"s{i}@bench.example", "terms": "yes"}).encode()
            t0 = time.perf_counter()
            status, body, headers = http(page, cookies=cookies, data=data,
                                         headers={"Referer": page, "X-Bench-Client": f"c{i}"})
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                outcomes[status] = outcomes.get(status, 0) + 1
                if status == 302:
                    placed.append((i, headers["Location"]))

        REQUESTS["count"] = 0
        t_start = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(shopper, range(SHOPPERS)))
        rush_seconds = time.perf_counter() - t_start
        rush_requests = REQUESTS["count"]

        t0 = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            statuses = list(pool.map(lambda _i: http(f"{base}/bench/trivial")[0], range(rush_requests)))
        trivial_seconds = time.perf_counter() - t0
        assert all(s == 200 for s in statuses)

        from digitalstadt.marketplace.models import Order, ShopOrder, StockReservation

        variant.refresh_from_db()
        orders = ShopOrder.unscoped_objects.filter(shop=shop).count()
        held = sum(StockReservation.unscoped_objects.filter(variant=variant, status="held")
                   .values_list("quantity", flat=True))
        order_uuids = {str(u) for u in Order.objects.values_list("uuid", flat=True)}
        lost = sum(1 for _i, loc in placed if loc.rstrip("/").rsplit("/", 1)[-1] not in order_uuids)
        rush_rps = rush_requests / rush_seconds
        trivial_rps = rush_requests / trivial_seconds
        print(f"checkout rush: {SHOPPERS} shoppers (concurrency {CONCURRENCY}) for {UNITS} units, "
              f"gunicorn -w {WORKERS}, PostgreSQL")
        print(f"  checkouts: {len(latencies)} in {rush_seconds:.1f} s, outcomes {outcomes} (302 placed, 400 sold out)")
        print(f"  checkout latency p50 {percentile(latencies, 50):.0f} ms  p99 {percentile(latencies, 99):.0f} ms")
        print(f"  all rush requests (checkout page, checkout): {rush_requests} ({rush_rps:.0f}/s)")
        print(f"  trivial view: {trivial_rps:.0f} req/s  -> rush/trivial throughput ratio {rush_rps / trivial_rps:.2f}")
        print(f"  sold {variant.reserved} of {variant.on_hand}, shop orders {orders}, held units {held}, "
              f"oversold {max(variant.reserved - variant.on_hand, 0)}, lost orders {lost}")
        assert variant.reserved == UNITS == orders == held == len(placed) and lost == 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        drop_postgres()


if __name__ == "__main__":
    sys.exit(main())
