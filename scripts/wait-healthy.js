// Waits until a gRPC server's grpc.health.v1 Check says SERVING: node scripts/wait-healthy.js host:port [timeoutMs]
// With MAAS_TLS_CA_FILE set it connects with TLS, showing MAAS_TLS_CERT_FILE/MAAS_TLS_KEY_FILE when set.
const { checkHealth, clientTransportFromFiles, PLAINTEXT } = require('../libs/grpc-kit/dist');
const [address, timeoutArg] = process.argv.slice(2);
if (!address || address === '--help') {
  console.log('usage: node scripts/wait-healthy.js host:port [timeoutMs]');
  process.exit(address ? 0 : 2);
}
const deadline = Date.now() + Number(timeoutArg ?? 30000);
const env = process.env;
const transport = env.MAAS_TLS_CA_FILE
  ? clientTransportFromFiles({ caFile: env.MAAS_TLS_CA_FILE, certFile: env.MAAS_TLS_CERT_FILE || undefined, keyFile: env.MAAS_TLS_KEY_FILE || undefined })
  : PLAINTEXT;
(async () => {
  let last = '';
  while (Date.now() < deadline) {
    try {
      last = await checkHealth(address, '', 1000, transport);
      if (last === 'SERVING') process.exit(0);
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  console.error(`${address} not SERVING: ${last}`);
  process.exit(1);
})();
