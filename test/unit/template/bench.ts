// Measures what the compiled-template cache saves on the executor's hot path (same template, many hosts x tasks).
// Run: npx tsc -p . && node dist/test/unit/template/bench.js [cached-iterations] [uncached-iterations]
import { createTemplater } from '../../../src/template/index.js';

const iterations = Number(process.argv[2] ?? 100_000);
const vars = { name: 'web01', port: 8080, base: '/srv', app_dir: '{{ base }}/app' };
const template = 'http://{{ name }}:{{ port }}{{ app_dir }}/health';

function measure(label: string, cache: boolean, count: number): void {
  const templater = createTemplater({ cache });
  templater.render(template, vars); // warm-up: first compile
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < count; i += 1) templater.render(template, vars);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuMs = (process.cpuUsage(cpuBefore).user + process.cpuUsage(cpuBefore).system) / 1000;
  process.stdout.write(`${label}: ${count} renders in ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (${((cpuMs * 1000) / count).toFixed(1)} µs CPU/render)\n`);
}

measure('cached', true, iterations);
// Uncached compiles every time: measure fewer and scale, so the benchmark stays short on a shared machine.
measure('uncached', false, Number(process.argv[3] ?? Math.max(1, Math.floor(iterations / 10))));
