"""``scripts/calibrate_tolerances.py`` runs, and fails when a bound is too tight.

The full calibration (10,000 + 5,000 trajectories, two or three minutes)
is run by hand; these runs use a few dozen trajectories on real Chainer.
"""
import importlib.util
import pathlib

from conformance import tolerances

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / 'scripts' / 'calibrate_tolerances.py'
SMALL = ['--trajectories', '42', '--fp32-trajectories', '14', '--seed', '1']


def _script():
    spec = importlib.util.spec_from_file_location('calibrate_tolerances', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_calibration_passes_and_prints_the_constants_it_checks(capsys):
    assert _script().main(SMALL) == 0
    out = capsys.readouterr().out
    assert '42 trajectories' in out and '14 under use_fp32_update' in out, out
    assert f'C = SAFETY * OPS_PER_STEP = {tolerances.C}' in out, out
    assert f'RECORDED_ULPS = {tolerances.RECORDED_ULPS}' in out, out
    for optimizer in ('SGD', 'MomentumSGD', 'NesterovAG', 'AdaGrad', 'RMSprop', 'AdaDelta',
                      'Adam'):
        assert f'  {optimizer} ' in out, f'no row for {optimizer}:\n{out}'
    assert out.rstrip().endswith('within the bound of conformance/tolerances.py'), out


def test_calibration_exits_1_naming_the_bound_a_run_exceeded(capsys, monkeypatch):
    # A thousandth of C: float32 and float16 runs use more than that.
    monkeypatch.setattr(tolerances, 'C', tolerances.C / 1000)
    assert _script().main(SMALL) == 1
    out = capsys.readouterr().out
    assert 'FAIL: errors exceeded their bound' in out, out
