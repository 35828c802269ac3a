"""The suite leaves no thread or process behind: the properties of the
parallel iterators (MultithreadIterator, MultiprocessIterator, including
their dataset-error and save/load properties) end with the same threads and
child processes alive as before them."""
import textwrap

from tests.meta.suite_runner import run_suite

CENSUS = textwrap.dedent('''
    """Counts the threads and child processes alive at the start and end of the session."""
    import json
    import multiprocessing
    import threading
    import time

    BEFORE = set()


    def workers():
        return set(threading.enumerate()) | set(multiprocessing.active_children())


    def pytest_sessionstart(session):
        BEFORE.update(workers())


    def pytest_sessionfinish(session, exitstatus):
        deadline = time.monotonic() + 5
        while workers() - BEFORE and time.monotonic() < deadline:
            time.sleep(0.05)
        left = sorted(repr(w) for w in workers() - BEFORE)
        with open('census.json', 'w') as out:
            json.dump(left, out)
''')


def test_the_parallel_iterator_properties_leave_no_worker_behind(pytester):
    pytester.makepyfile(worker_census=CENSUS)
    result = run_suite(pytester, 'reference', 'test_parallel_iterators.py',
                       profile='ci', extra=('-p', 'worker_census'))
    assert result.ret == 0, '\n'.join(result.outlines[-30:])
    left = (pytester.path / 'census.json').read_text()
    assert left == '[]', f'alive after the session, started during it: {left}'
