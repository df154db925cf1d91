import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBotSettings } from '../../shared/bot/parseBotSettings.js';

test('plan prices come from STARS_PRICE_*, in whole Stars up to 10,000, and a bad one is named', () => {
  assert.deepEqual(parseBotSettings({}).starPrices, { basic: 450, pro: 1450, business: 4950 });
  assert.deepEqual(parseBotSettings({ STARS_PRICE_PRO: '1500' }).starPrices, { basic: 450, pro: 1500, business: 4950 });
  assert.throws(() => parseBotSettings({ STARS_PRICE_BASIC: '4.5' }), /STARS_PRICE_BASIC must be an integer/);
  assert.throws(() => parseBotSettings({ STARS_PRICE_BUSINESS: '20000' }), /STARS_PRICE_BUSINESS must be at most 10000/);
  assert.throws(() => parseBotSettings({ STARS_PRICE_PRO: '0' }), /STARS_PRICE_PRO must be at least 1/);
});
