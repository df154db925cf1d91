import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { InstagramEmulator } from '../../emulator/instagram/index.js';
import { checkCaption } from '../../shared/modules/instapost/checkCaption.js';
import { GraphClient } from '../../shared/modules/instapost/GraphClient.js';
import { INSTAGRAM_IMAGE_RULES } from '../../shared/modules/instapost/instagramImageRules.js';
import { ImageRejectedError, prepareImage, type PreparedImage } from '../../shared/modules/instapost/prepareImage.js';
import { startFileServer } from '../support/startFileServer.js';
import { jpeg } from '../support/testImages.js';

let instagram: InstagramEmulator;
let files: Awaited<ReturnType<typeof startFileServer>>;
let wide: Buffer;

/** 3000×1000 PNG in three vertical bands: red, green, blue. */
async function bandedPng(): Promise<Buffer> {
  const band = (colour: string) => sharp({ create: { width: 1000, height: 1000, channels: 3, background: colour } }).png().toBuffer();
  return sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#000000' } })
    .composite([{ input: await band('#ff0000'), left: 0, top: 0 }, { input: await band('#00ff00'), left: 1000, top: 0 },
      { input: await band('#0000ff'), left: 2000, top: 0 }]).png().toBuffer();
}

async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

function near(actual: number[], expected: number[]): boolean {
  return actual.every((value, i) => Math.abs(value - (expected[i] ?? 0)) < 24);
}

async function assertInstagramReady(prepared: PreparedImage): Promise<void> {
  const meta = await sharp(prepared.bytes).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.space, 'srgb');
  assert.deepEqual([meta.width, meta.height], [prepared.width, prepared.height]);
  assert.ok(prepared.width >= 320 && prepared.width <= 1440, `width ${prepared.width}`);
  const ratio = prepared.width / prepared.height;
  assert.ok(ratio >= 0.8 && ratio <= 1.91, `ratio ${ratio}`);
  assert.ok(prepared.bytes.length < INSTAGRAM_IMAGE_RULES.maxBytes);
}

before(async () => {
  instagram = await InstagramEmulator.start({ containerProcessingMs: 0 });
  files = await startFileServer();
  wide = await bandedPng();
});
after(async () => {
  await instagram.close();
  await files.close();
});

describe('preparing an image for Instagram', () => {
  test('a 3000×1000 PNG padded: 1440×754 JPEG, nothing lost, white bands above and below', async () => {
    const prepared = await prepareImage(wide, { fit: 'pad' });
    assert.deepEqual([prepared.width, prepared.height], [1440, 754]);
    assert.deepEqual(prepared.changes, ['converted', 'padded', 'resized']);
    assert.deepEqual(prepared.original, { format: 'png', width: 3000, height: 1000, bytes: wide.length });
    await assertInstagramReady(prepared);
    assert.ok(near(await pixel(prepared.bytes, 720, 2), [255, 255, 255]), 'padding at the top');
    assert.ok(near(await pixel(prepared.bytes, 720, 751), [255, 255, 255]), 'padding at the bottom');
    assert.ok(near(await pixel(prepared.bytes, 5, 377), [255, 0, 0]), 'the red band is all there');
    assert.ok(near(await pixel(prepared.bytes, 1434, 377), [0, 0, 255]), 'and the blue one');
  });

  test('the same PNG cropped: 1440×754, the centre kept, no padding', async () => {
    const prepared = await prepareImage(wide, { fit: 'crop' });
    assert.deepEqual([prepared.width, prepared.height], [1440, 754]);
    assert.deepEqual(prepared.changes, ['converted', 'cropped', 'resized']);
    await assertInstagramReady(prepared);
    assert.ok(near(await pixel(prepared.bytes, 720, 2), [0, 255, 0]), 'no padding: the green centre reaches the top');
    assert.ok(near(await pixel(prepared.bytes, 2, 377), [255, 0, 0]), 'the edges are what remains of red');
  });

  test('both results are accepted by Instagram (emulated), which rejects the original', async () => {
    const account = instagram.createAccount({ username: 'prepared' });
    const graph = new GraphClient({ root: instagram.graphRoot });
    const ig = account.igUserId ?? '';
    await assert.rejects(graph.createImageContainer(ig, account.pageToken, { imageUrl: files.put('/original.png', { body: wide, contentType: 'image/png' }) }),
      (error: { subcode?: number }) => error.subcode === 2207005);
    for (const fit of ['pad', 'crop'] as const) {
      const url = files.put(`/${fit}.jpg`, { body: (await prepareImage(wide, { fit })).bytes });
      await graph.publish(ig, account.pageToken, await graph.createImageContainer(ig, account.pageToken, { imageUrl: url }));
    }
    assert.deepEqual(account.posts.map((post) => [post.images[0]?.width, post.images[0]?.height]), [[1440, 754], [1440, 754]]);
  });

  test('too tall is padded to 4:5 or cropped to it; small is scaled up to 320; large down to 1440', async () => {
    const tall = await jpeg(1000, 3000);
    const padded = await prepareImage(tall, { fit: 'pad' });
    assert.deepEqual([padded.width, padded.height], [1440, 1800]);
    await assertInstagramReady(padded);
    const cropped = await prepareImage(tall, { fit: 'crop' });
    assert.deepEqual([cropped.width, cropped.height, cropped.changes], [1000, 1250, ['cropped']]);
    const small = await prepareImage(await jpeg(200, 200));
    assert.deepEqual([small.width, small.height, small.changes], [320, 320, ['resized']]);
    const large = await prepareImage(await jpeg(4000, 3000));
    assert.deepEqual([large.width, large.height], [1440, 1080]);
    const fine = await prepareImage(await jpeg(1080, 1350));
    assert.deepEqual([fine.width, fine.height, fine.changes], [1080, 1350, []]);
  });

  test('EXIF orientation is applied, transparency becomes the background, CMYK becomes sRGB', async () => {
    const rotated = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#336699' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const upright = await prepareImage(rotated);
    assert.deepEqual([upright.width, upright.height], [1000, 1200]);
    assert.ok(upright.changes.includes('rotated'));
    const transparent = await sharp({ create: { width: 800, height: 800, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    assert.ok(near(await pixel((await prepareImage(transparent)).bytes, 400, 400), [255, 255, 255]));
    const cmyk = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#cc3322' } }).toColourspace('cmyk').jpeg().toBuffer();
    assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
    const converted = await prepareImage(cmyk);
    await assertInstagramReady(converted);
    assert.equal((await sharp(converted.bytes).metadata()).channels, 3);
  });

  test('a WebP is accepted; a GIF is refused naming the formats accepted; bytes that are no image are refused', async () => {
    const webp = await sharp({ create: { width: 900, height: 900, channels: 3, background: '#888888' } }).webp().toBuffer();
    assert.deepEqual((await prepareImage(webp)).changes, ['converted']);
    const gif = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#888888' } }).gif().toBuffer();
    await assert.rejects(prepareImage(gif), (error: unknown) => error instanceof ImageRejectedError && error.reason === 'unsupported-format' &&
      error.format === 'gif' && /JPEG, PNG, WEBP/.test(error.message));
    await assert.rejects(prepareImage(Buffer.from('%PDF-1.7 not an image')), (error: unknown) => error instanceof ImageRejectedError && error.reason === 'not-an-image');
  });
});

describe('checking a caption as Instagram will', () => {
  test('2,200 characters, 30 hashtags, 20 mentions, alt text 1,000: each limit reported with its numbers', () => {
    assert.deepEqual(checkCaption('🌅'.repeat(2200)), []);
    assert.deepEqual(checkCaption('x'.repeat(2201)), [{ rule: 'length', limit: 2200, actual: 2201 }]);
    assert.deepEqual(checkCaption(Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' ')), [{ rule: 'hashtags', limit: 30, actual: 31 }]);
    assert.deepEqual(checkCaption(Array.from({ length: 21 }, (_, i) => `@u${i}`).join(' ')), [{ rule: 'mentions', limit: 20, actual: 21 }]);
    assert.deepEqual(checkCaption('mail me at a@b.com', 'y'.repeat(1001)), [{ rule: 'altText', limit: 1000, actual: 1001 }], 'an e-mail is not a mention');
  });
});
