"""How long ``serializers.load_npz`` takes, the reference against Chainer, in one run.

Why: the reference's load is all-or-nothing (a failed load leaves the target
untouched); this measures what that guarantee costs.  For each size, a Link
holding ``n`` float32 parameters (and a trainer-like object: the Link plus an
Adam optimizer's state) is saved once by each implementation and loaded into a
fresh target ``--repeat`` times; the best time is kept.  Prints a table of
seconds and the reference/Chainer ratio.

    .venv/bin/python benchmarks/load_npz.py --sizes 1e6,1e7
"""
import argparse
import os
import sys
import tempfile
import time

import numpy

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from conformance.chainer_compat import import_chainer  # noqa: E402
import reference  # noqa: E402


def build(ns, n, with_optimizer):
    link = ns.Link()
    with link.init_scope():
        # Four params, so that the per-key overhead shows too.
        for i in range(4):
            setattr(link, f'p{i}', ns.Parameter(numpy.random.RandomState(i).standard_normal(n // 4).astype(numpy.float32)))
    if not with_optimizer:
        return link
    optimizer = ns.optimizers.Adam().setup(link)
    for param in link.params():
        param.grad = numpy.ones_like(param.array)
    optimizer.update()

    return Holder(link, optimizer)


class Holder:
    """A stand-in for a trainer: serializes a model and its optimizer."""

    def __init__(self, link, optimizer):
        self.link, self.optimizer = link, optimizer

    def serialize(self, serializer):
        self.link.serialize(serializer['model'])
        self.optimizer.serialize(serializer['optimizer'])


def best_time(function, repeat, clock=time.perf_counter):
    times = []
    for _ in range(repeat):
        start = clock()
        function()
        times.append(clock() - start)
    return min(times)


def measure(ns, n, kind, compression, repeat, directory, clock):
    path = os.path.join(directory, f'{ns.__name__}-{n}-{kind}-{compression}.npz')
    ns.serializers.save_npz(path, build(ns, n, kind == 'optimizer'), compression=compression)
    targets = [build(ns, n, kind == 'optimizer') for _ in range(repeat)]
    return best_time(lambda: ns.serializers.load_npz(path, targets.pop()), repeat, clock)


CLOCKS = {'wall': time.perf_counter, 'cpu': time.process_time}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='1e6,1e7',
                        help='parameter counts, comma separated (default: 1e6,1e7)')
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--clock', choices=('wall', 'cpu'), default='wall',
                        help='wall time, or the process CPU time (user and system: '
                             'page faults included), steadier on a busy machine')
    args = parser.parse_args(argv)
    chainer = import_chainer()
    print(f'{"params":>10} {"target":>10} {"compressed":>10} {"chainer s":>10} '
          f'{"reference s":>12} {"ratio":>6}')
    with tempfile.TemporaryDirectory() as directory:
        for n in (int(float(size)) for size in args.sizes.split(',')):
            for kind in ('link', 'optimizer'):
                for compression in (False, True):
                    times = [measure(ns, n, kind, compression, args.repeat, directory,
                                     CLOCKS[args.clock])
                             for ns in (chainer, reference)]
                    print(f'{n:>10} {kind:>10} {str(compression):>10} {times[0]:>10.3f} '
                          f'{times[1]:>12.3f} {times[1] / times[0]:>6.2f}')


if __name__ == '__main__':
    main()
