"""Accepted-step counts of scipy's own embedded RK solvers (solve_ivp) on the problems of
test/solvers/problems.ts: RK23 (Bogacki–Shampine 3(2), as bosh3) and DOP853 (Hairer's DOP853
coefficients, with scipy's controller: safety 0.9, factors in [0.2, 10], as dop853's defaults).
Hairer's Fortran DOP853 uses factors in [1/3, 6] and so takes ~1.2–1.8× more steps; odeflow's
dop853 keeps scipy's defaults (its maxFactor/minFactor options select Hairer's).

    python3 bench/reference/scipy_steps.py > test/fixtures/scipy_steps.json
"""
import json
import sys

import scipy
from scipy.integrate import solve_ivp

src = open(__file__.replace('scipy_steps.py', 'dopri5_steps.py')).read()
exec(src.split('cases = []')[0])  # PROBLEMS, TOLS

cases = []
for method in ['RK23', 'DOP853']:
    for name, f, y0, t0, t1 in PROBLEMS:
        for tol in TOLS:
            s = solve_ivp(f, (t0, t1), y0, method=method, rtol=tol, atol=tol)
            assert s.success
            cases.append({'method': method, 'problem': name, 'rtol': tol, 'atol': tol,
                          'steps': len(s.t) - 1, 'nfe': int(s.nfev)})
json.dump({'source': f'scipy {scipy.__version__} solve_ivp', 'generator': 'bench/reference/scipy_steps.py',
           'cases': cases}, sys.stdout, indent=1)
print()
