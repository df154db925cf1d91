import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { clientTexts, DASHBOARD_TEXTS, formatText } from '../../shared/dashboard/dashboardTexts.js';
import { alertRules } from '../../shared/modules/alerts/alertRules.js';
import { PROJECT_ROOT } from '../support/runCommand.js';

// The dashboard's catalog (shared/dashboard/dashboardTexts.ts): both languages hold the same
// texts with the same parameters, and every text the browser scripts ask for exists.
const { en, ru } = DASHBOARD_TEXTS;
const paramsOf = (text: unknown) => [...new Set([...JSON.stringify(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

test('every English dashboard text has a Russian one and the reverse, none empty, with the same parameters', () => {
  assert.deepEqual(Object.keys(ru).filter((k) => !(k in en)), [], 'Russian texts English does not have');
  assert.deepEqual(Object.keys(en).filter((k) => !(k in ru)), [], 'English texts without Russian');
  for (const [key, text] of Object.entries(en)) {
    const other = ru[key as keyof typeof ru];
    for (const value of [text, other].flatMap((t) => typeof t === 'string' ? [t] : Object.values(t))) assert.ok(value?.trim(), `${key} is empty`);
    assert.deepEqual(paramsOf(other), paramsOf(text), `${key}: the same parameters in both languages`);
    // A Russian plural needs one, few and many (1 задача, 2 задачи, 5 задач).
    if (typeof other !== 'string') assert.ok(other.one && other.few && other.many && other.other, `${key}: every Russian plural form`);
    assert.equal(typeof other, typeof text, `${key}: plural in both or neither`);
  }
});

test('texts take their parameters and each language\'s plural', () => {
  assert.equal(formatText('ru', ru['client.jobs.replayed'], { n: 5, list: ': 1, 2' }), 'Повторено 5 задач: 1, 2');
  assert.equal(formatText('ru', ru['client.jobs.replayed'], { n: 22, list: '' }), 'Повторены 22 задачи');
  assert.equal(formatText('en', en['client.jobs.replayed'], { n: 1, list: '' }), 'Replayed 1 job');
});

test('every text a browser script asks for with t(\'…\') is in the texts the page carries', async () => {
  const dir = path.join(PROJECT_ROOT, 'public', 'admin', 'assets');
  const files = [...(await readdir(dir)).filter((f) => f.endsWith('.js')), ...(await readdir(path.join(dir, 'pages'))).map((f) => `pages/${f}`)];
  const asked = new Set<string>();
  for (const file of files) for (const m of (await readFile(path.join(dir, file), 'utf8')).matchAll(/\bt\(\s*'([^']+)'/g)) asked.add(m[1]!);
  assert.ok(asked.size > 50, `found ${asked.size} texts: the pattern still matches the scripts`);
  for (const locale of ['en', 'ru'] as const) {
    const carried = clientTexts(locale);
    assert.deepEqual([...asked].filter((k) => !(k in carried)), [], `${locale}: texts the scripts ask for and the page lacks`);
    // Named by a value from the server (overview.js): every alert rule the bot has.
    assert.deepEqual(alertRules.filter((rule) => !(`alert.rule.${rule}` in carried)), [], `${locale}: alert rules without a name`);
  }
});
