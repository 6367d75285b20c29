import { initBackend } from '../src/backend.js';

// Tests run on the default backend (wasm here; ODEFLOW_BACKEND=cpu to change it).
await initBackend();
