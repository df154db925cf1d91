import { captionTooLong, tooManyMentions } from './graphErrors.js';

/** Instagram's caption limits (IG User Media reference: caption). */
export const CAPTION_RULES = { maxLength: 2200, maxHashtags: 30, maxMentions: 20 } as const;

/**
 * Throws what Instagram answers for a caption over its limits: 36004/2207010 for more than 2,200
 * characters or 30 hashtags, 100/2207040 for more than 20 @mentions. Characters are counted as
 * Unicode code points (an emoji is one), Meta does not document the unit.
 */
export function validateCaption(caption: string): void {
  if ([...caption].length > CAPTION_RULES.maxLength) throw captionTooLong();
  if ((caption.match(/#[\p{L}\p{N}_]+/gu) ?? []).length > CAPTION_RULES.maxHashtags) throw captionTooLong();
  if ((caption.match(/(?<![\w.])@[A-Za-z0-9._]+/g) ?? []).length > CAPTION_RULES.maxMentions) throw tooManyMentions();
}
