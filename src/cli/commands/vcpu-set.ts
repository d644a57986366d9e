import { action } from './action.js';

export const { run, text, json } = action((client, { args: [dom], params }) => client.setVcpuCount(dom!, params.number('vCPUs')!));
