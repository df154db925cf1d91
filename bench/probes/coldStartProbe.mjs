// One cold start of the webhook function, run by bench/scenarios/coldStart.ts in a fresh Node
// process: import the compiled module, serve it, report timings as JSON lines on stdout.
// Plain JavaScript on purpose: a TypeScript loader would be loaded into the process and counted
// as part of the cold start. With PROBE_MODULE_GRAPH=1 it also lists every module loaded.
import { statSync } from 'node:fs';
import { createServer } from 'node:http';
import { registerHooks } from 'node:module';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const loaded = [];
if (process.env.PROBE_MODULE_GRAPH === '1') {
  registerHooks({
    load(url, context, nextLoad) {
      loaded.push(url);
      return nextLoad(url, context);
    },
  });
}

// performance.now() counts from the process's time origin: this is Node's own start-up.
const bootMs = performance.now();
const { default: handler } = await import(pathToFileURL(process.argv[2]).href);
const importMs = performance.now() - bootMs;

const server = createServer((req, res) => {
  const start = performance.now();
  res.on('finish', () => {
    const modules = loaded.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    const sizes = modules.map((file) => statSync(file).size);
    const bytes = sizes.reduce((sum, size) => sum + size, 0);
    process.stdout.write(`${JSON.stringify({ firstRequestMs: performance.now() - start, modules, sizes, bytes, builtins: loaded.length - modules.length })}\n`);
  });
  void handler(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, bootMs, importMs })}\n`);
});
