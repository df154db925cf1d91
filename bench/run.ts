import { BENCH_DATABASE_URL } from './benchConfig.js';
import { formatResults } from './printResults.js';
import type { Scenario, ScenarioResult } from './scenarioResult.js';
import { ingressLatency } from './scenarios/ingressLatency.js';
import { ingressRemoteDb } from './scenarios/ingressRemoteDb.js';
import { ingressRepeat } from './scenarios/ingressRepeat.js';
import { instapostBurst } from './scenarios/instapostBurst.js';
import { broadcastPacing } from './scenarios/broadcastPacing.js';
import { coldStart } from './scenarios/coldStart.js';
import { endToEndReply } from './scenarios/endToEndReply.js';
import { enqueueLatency } from './scenarios/enqueueLatency.js';
import { preCheckoutUnderBroadcast } from './scenarios/preCheckoutUnderBroadcast.js';
import { priorityUnderBacklog } from './scenarios/priorityUnderBacklog.js';
import { queueThroughput } from './scenarios/queueThroughput.js';
import { sandboxReply } from './scenarios/sandboxReply.js';
import { workerMemory } from './scenarios/workerMemory.js';

// In the order of BENCHMARKS.md's goals, ingress first. Sequential on purpose: on a 2-core machine two scenarios at once
// would measure each other.
const SCENARIOS: Scenario[] = [ingressLatency, ingressRemoteDb, ingressRepeat, queueThroughput, enqueueLatency, priorityUnderBacklog, endToEndReply, coldStart, workerMemory, broadcastPacing, sandboxReply, preCheckoutUnderBroadcast, instapostBurst];

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario: ${unknown.join(', ')}\nscenarios: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}
const selected = requested.length > 0 ? SCENARIOS.filter((s) => requested.includes(s.name)) : SCENARIOS;

const results: ScenarioResult[] = [];
let failed = false;
for (const scenario of selected) {
  progress(`${scenario.name}: ${scenario.title}`);
  const started = performance.now();
  try {
    results.push(await scenario.run({ serverUrl: BENCH_DATABASE_URL, progress: (m) => progress(`  ${m}`) }));
  } catch (err) {
    failed = true;
    progress(`${scenario.name} failed: ${err instanceof Error ? err.stack : String(err)}`);
  }
  progress(`${scenario.name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
process.stdout.write(formatResults(results));
process.exit(failed ? 1 : 0);
