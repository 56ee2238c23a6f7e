"""core.memo: a check is computed once inside a scope, and every time outside one (a role
granted a moment ago must count)."""

from digitalstadt.core.memo import memo_scope, memoized


def test_memoized_inside_a_scope_only():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert memoized("k", compute) == 1 and memoized("k", compute) == 2  # no scope: no memo
    with memo_scope():
        assert memoized("k", compute) == 3
        assert memoized("k", compute) == 3
        with memo_scope():  # a nested scope shares the outer one
            assert memoized("k", compute) == 3
        assert memoized("other", compute) == 4
    assert memoized("k", compute) == 5
