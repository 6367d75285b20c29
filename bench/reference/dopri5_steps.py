"""Step counts of Hairer's DOPRI5 (Fortran, wrapped by scipy.integrate.ode('dopri5')) on the
non-stiff problems of test/solvers/problems.ts, at its default controller settings (safety 0.9,
fac1 0.2, fac2 10, beta 0.04, Hairer's initial-step heuristic, scalar rtol/atol).

Prints a JSON fixture; the committed copy is test/fixtures/dopri5_steps.json, so the tests need
no scipy. Regenerate with:

    python3 bench/reference/dopri5_steps.py > test/fixtures/dopri5_steps.json
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy.integrate import ode

RATES = [0.5, 1.0, 2.0]
ECC = 0.5
MU = 0.012277471


def decay(t, y):
    return [-r * v for r, v in zip(RATES, y)]


def lotka_volterra(t, y):
    a, b = y
    return [1.5 * a - a * b, -3 * b + a * b]


def van_der_pol(t, y):
    x, v = y
    return [v, (1 - x * x) * v - x]


def kepler(t, y):
    q1, q2, p1, p2 = y
    r3 = (q1 * q1 + q2 * q2) ** 1.5
    return [p1, p2, -q1 / r3, -q2 / r3]


def arenstorf(t, y):
    q1, q2, p1, p2 = y
    d1 = ((q1 + MU) ** 2 + q2 ** 2) ** 1.5
    d2 = ((q1 - 1 + MU) ** 2 + q2 ** 2) ** 1.5
    return [
        p1,
        p2,
        q1 + 2 * p2 - (1 - MU) * (q1 + MU) / d1 - MU * (q1 - 1 + MU) / d2,
        q2 - 2 * p1 - (1 - MU) * q2 / d1 - MU * q2 / d2,
    ]


PROBLEMS = [
    ('decay', decay, [1.0, 1.0, 1.0], 0.0, 5.0),
    ('lotka-volterra', lotka_volterra, [1.0, 1.0], 0.0, 10.0),
    ('van-der-pol', van_der_pol, [2.0, 0.0], 0.0, 10.0),
    ('kepler', kepler, [1 - ECC, 0.0, 0.0, math.sqrt((1 + ECC) / (1 - ECC))], 0.0, 2 * math.pi),
    ('arenstorf', arenstorf, [0.994, 0.0, 0.0, -2.00158510637908252240537862224], 0.0,
     17.0652165601579625588917206249),
]
TOLS = [1e-3, 1e-4, 1e-5, 1e-6]


def run(f, y0, t0, t1, tol):
    r = ode(f).set_integrator('dopri5', rtol=tol, atol=tol, nsteps=1_000_000)
    r.set_initial_value(y0, t0)
    y = r.integrate(t1)
    assert r.successful()
    iw = r._integrator.iwork  # Hairer's IWORK(17..20): NFCN, NSTEP, NACCPT, NREJCT
    return {'nfe': int(iw[16]), 'attempts': int(iw[17]), 'steps': int(iw[18]),
            'rejected': int(iw[19]), 'yEnd': [float(v) for v in y]}


cases = []
for name, f, y0, t0, t1 in PROBLEMS:
    for tol in TOLS:
        cases.append({'problem': name, 'rtol': tol, 'atol': tol, **run(f, y0, t0, t1, tol)})
json.dump({'source': f'scipy {scipy.__version__} scipy.integrate.ode("dopri5") '
                     '(Hairer & Wanner DOPRI5 Fortran), default controller settings',
           'generator': 'bench/reference/dopri5_steps.py', 'cases': cases},
          sys.stdout, indent=1)
print()
