// The part of the `odex` package (CommonJS, ships TypeScript sources that do not compile under
// strict settings) that odexSolve uses; tsconfig `paths` points 'odex' here.

/** Hairer & Wanner's ODEX solver object. */
export interface OdexSolverInstance {
  denseOutput: boolean;
  relativeTolerance: number;
  absoluteTolerance: number;
  maxSteps: number;
  solve(
    f: (x: number, y: number[]) => number[],
    x0: number,
    y0: number[],
    xEnd: number,
    solOut?: (
      n: number,
      xOld: number,
      x: number,
      y: number[],
      dense?: (i: number, x: number) => number,
    ) => undefined,
  ): { y: number[]; outcome: number; nStep: number; nAccept: number; nReject: number; nEval: number };
}

/** The solver class, constructed with the state dimension. */
export declare const Solver: new (n: number) => OdexSolverInstance;
