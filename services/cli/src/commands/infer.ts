import { Command, Option } from 'commander';
import { decodeRaw, dataToValues, isDatatype, type Datatype } from '@maas/tensor';
import { addConnectionOptions, transportFrom, type ConnectionOptions } from '../connection-options';
import { DEFAULT_GATEWAY_ADDRESS, GatewayConnection } from '../inference-client';
import { parseInput } from '../input-spec';

interface InferOptions extends ConnectionOptions {
  gateway: string;
  version: string;
  input: string[];
  datatype: string;
  timeoutMs: string;
}

/** Decodes an output's bytes to plain values (BYTES as UTF-8 strings) for printing. */
function outputValues(o: { name: string; datatype: string; shape: number[]; data: Buffer }): unknown[] {
  if (!isDatatype(o.datatype)) return [`<${o.data.length} bytes of ${o.datatype}>`];
  const values: unknown[] = dataToValues(o.datatype as Datatype, decodeRaw(o.name, o.datatype as Datatype, o.shape, o.data));
  return values.map((v) => (typeof v === 'bigint' ? Number(v) : v));
}

/** `maas infer MODEL --input NAME=...`: one inference through the gateway, printed as JSON. */
export function inferCommand(): Command {
  return addConnectionOptions(new Command('infer'))
    .description('run one inference through the gateway (Open Inference Protocol over gRPC) and print the outputs as JSON')
    .argument('<model>', 'model name')
    .option('-v, --version <version>', 'version number or alias (default: production alias, else latest)', '')
    .option('-i, --input <spec...>', 'NAME=@file.json | NAME=[[1,2,3,4]] | NAME=@image.png | NAME=text:some text', [])
    .option('--datatype <dt>', 'datatype for inline or bare-array inputs', 'FP32')
    .option('--timeout-ms <ms>', 'deadline for the call', '30000')
    .addOption(new Option('--gateway <host:port>', 'gateway gRPC address').default(DEFAULT_GATEWAY_ADDRESS).env('MAAS_GATEWAY_ADDRESS'))
    .addHelpText('after', '\nExamples:\n  maas infer mlp --input x=[[0.1,0.2,0.3,0.4]]\n  maas infer ocr-cls --input image=@line.png\n  maas infer identity --input x=@tensor.json --version 2')
    .action(async (model: string, options: InferOptions) => {
      const inputs = options.input.map((spec) => parseInput(spec, options.datatype));
      const gateway = new GatewayConnection(options.gateway, options.apiKey, transportFrom(options));
      try {
        const res = await gateway.infer(model, options.version, inputs, Number(options.timeoutMs));
        const out = { model_name: res.model_name, model_version: res.model_version, outputs: res.outputs.map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape, data: outputValues(o) })) };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } finally {
        gateway.close();
      }
    });
}
