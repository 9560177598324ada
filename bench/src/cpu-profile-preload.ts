// Loaded into the gateway and worker with NODE_OPTIONS=--require when BENCH_PROFILE=1 (node refuses
// --cpu-prof in NODE_OPTIONS). Starts V8's sampling profiler at load and writes a .cpuprofile, named as
// `node --cpu-prof` names them, into MAAS_BENCH_CPU_PROF_DIR when the process exits.
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as path from 'node:path';

const dir = process.env['MAAS_BENCH_CPU_PROF_DIR'];
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // An in-thread inspector session answers synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '.').slice(0, 15);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `CPU.${stamp}.${process.pid}.0.001.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
