import { Command, Option } from 'commander';
import type { OutputTensor } from '@maas/client';
import { dataToValues, isDatatype, type Datatype } from '@maas/tensor';
import { addConnectionOptions } from '../connection-options';
import { DEFAULT_GATEWAY_ADDRESS, gatewayClient, type GatewayOptions } from '../inference-client';
import { parseInput } from '../input-spec';

interface InferOptions extends GatewayOptions {
  version: string;
  input: string[];
  datatype: string;
  timeoutMs: string;
}

/** Decodes an output to plain values (BYTES as UTF-8 strings) for printing. */
function outputValues(o: OutputTensor): unknown[] {
  if (!isDatatype(o.datatype)) return [`<${o.data.length} bytes of ${o.datatype}>`];
  const values: unknown[] = dataToValues(o.datatype as Datatype, o.data);
  return values.map((v) => (typeof v === 'bigint' ? Number(v) : v));
}

/** The options every command that talks to the gateway takes: address, API key, TLS (--tls, --ca, --cert, --key). */
export function withGatewayOptions(command: Command): Command {
  return addConnectionOptions(command).addOption(new Option('--gateway <host:port>', 'gateway gRPC address').default(DEFAULT_GATEWAY_ADDRESS).env('MAAS_GATEWAY_ADDRESS'));
}

/** `maas infer MODEL --input NAME=...`: one inference through the gateway, printed as JSON. */
export function inferCommand(): Command {
  return withGatewayOptions(
    new Command('infer')
      .description('run one inference through the gateway (Open Inference Protocol over gRPC) and print the outputs as JSON')
      .argument('<model>', 'model name')
      .option('-v, --version <version>', 'version number or alias (default: production alias, else latest)', '')
      .option('-i, --input <spec...>', 'NAME=@file.json | NAME=[[1,2,3,4]] | NAME=@image.png | NAME=text:some text', [])
      .option('--datatype <dt>', 'datatype for inline or bare-array inputs', 'FP32')
      .option('--timeout-ms <ms>', 'deadline for the call', '30000'),
  )
    .addHelpText('after', '\nExamples:\n  maas infer mlp --input x=[[0.1,0.2,0.3,0.4]]\n  maas infer ocr-cls --input image=@line.png\n  maas infer identity --input x=@tensor.json --version 2')
    .action(async (model: string, options: InferOptions) => {
      const inputs = Object.fromEntries(options.input.map((spec) => parseInput(spec, options.datatype)).map(({ name, ...t }) => [name, t]));
      const client = gatewayClient(options);
      try {
        const res = await client.infer(model, inputs, { version: options.version, timeoutMs: Number(options.timeoutMs) });
        const outputs = Object.values(res.outputs).map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape, data: outputValues(o) }));
        process.stdout.write(`${JSON.stringify({ model_name: res.modelName, model_version: res.modelVersion, outputs }, null, 2)}\n`);
      } finally {
        client.close();
      }
    });
}

/** `maas metadata [MODEL]`: the gateway's ServerMetadata, or a model's ModelMetadata and readiness, as JSON. */
export function metadataCommand(): Command {
  return withGatewayOptions(
    new Command('metadata')
      .description("print the gateway's server metadata, or a model's metadata (inputs, outputs, versions) and readiness, as JSON")
      .argument('[model]', 'model name (none: the server)')
      .option('-v, --version <version>', 'version number or alias', ''),
  ).action(async (model: string | undefined, options: GatewayOptions & { version: string }) => {
    const client = gatewayClient(options);
    try {
      const out = model
        ? { ...(await client.modelMetadata(model, options.version)), ready: await client.modelReady(model, options.version) }
        : { ...(await client.serverMetadata()), live: await client.serverLive(), ready: await client.serverReady() };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } finally {
      client.close();
    }
  });
}
