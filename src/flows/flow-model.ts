/** The density model lives in src/core (CNFs and flow matching build it too); re-exported for the flows. */
export { FlowModel, type FlowModelOptions, type SampleWithLogProb } from '../core/flow-model.js';
