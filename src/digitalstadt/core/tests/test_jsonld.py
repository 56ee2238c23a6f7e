"""core.templatetags.jsonld: structured data that no text can break out of."""


def test_json_ld_cannot_close_its_script_element():
    import json

    from digitalstadt.core.templatetags.jsonld import json_ld

    html = str(json_ld({"name": "</script><script>alert(1)</script> & Co", "n": 1}))
    assert html.startswith('<script type="application/ld+json">') and html.count("</script>") == 1
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(body) == {"name": "</script><script>alert(1)</script> & Co", "n": 1}
