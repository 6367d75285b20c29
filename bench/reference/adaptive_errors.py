"""Global errors of scipy's float64 embedded Runge–Kutta solvers on the four classic problems, with
the error measure of test/solvers/adaptive-accuracy.test.ts:

    E = max over the 11 output times t_i = linspace(t0, t1, 11) and components k of
        |y_k(t_i) − y*_k(t_i)| / (atol + rtol·|y*_k(t_i)|),   rtol = atol = tol,

y* from the closed form (decay, Kepler) or DOP853 at rtol = atol = 1e-13. Methods: RK23 (the same
Bogacki–Shampine pair as bosh3), RK45 (Dormand–Prince 5(4), as dopri5; also the 5(4) reference for
tsit5), DOP853. They show what a mature local-error-controlled solver reaches on these problems.

    python3 bench/reference/adaptive_errors.py > test/fixtures/adaptive_reference_errors.json
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy.integrate import solve_ivp

src = open(__file__.replace('adaptive_errors.py', 'dopri5_steps.py')).read()
exec(src.split('cases = []')[0])  # PROBLEMS and the right-hand sides


def kepler_exact(t):
    e = 0.5
    E = t
    for _ in range(50):
        E -= (E - e * math.sin(E) - t) / (1 - e * math.cos(E))
    c, s, sq = math.cos(E), math.sin(E), math.sqrt(1 - e * e)
    return [c - e, sq * s, -s / (1 - e * c), sq * c / (1 - e * c)]


EXACT = {
    'decay': lambda t: [math.exp(-r * t) for r in RATES],
    'kepler': kepler_exact,
}
cases = []
for name, f, y0, t0, t1 in PROBLEMS[:4]:
    ts = np.linspace(t0, t1, 11)
    if name in EXACT:
        ref = np.array([EXACT[name](t) for t in ts]).T
    else:
        ref = solve_ivp(f, (t0, t1), y0, method='DOP853', rtol=1e-13, atol=1e-13, t_eval=ts).y
    for method in ['RK23', 'RK45', 'DOP853']:
        for tol in [1e-3, 1e-4, 1e-5]:
            s = solve_ivp(f, (t0, t1), y0, method=method, rtol=tol, atol=tol, t_eval=ts)
            err = float(np.max(np.abs(s.y - ref) / (tol + tol * np.abs(ref))))
            cases.append({'problem': name, 'method': method, 'tol': tol, 'scaledError': err,
                          'nfe': int(s.nfev)})
json.dump({'source': f'scipy {scipy.__version__} solve_ivp, float64',
           'generator': 'bench/reference/adaptive_errors.py', 'cases': cases}, sys.stdout, indent=1)
print()
