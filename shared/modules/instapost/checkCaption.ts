/** Instagram's caption and alt-text limits (IG User Media reference). */
export const CAPTION_LIMITS = { length: 2200, hashtags: 30, mentions: 20, altText: 1000 } as const;

/** One limit a caption or alt text goes over, with the numbers to tell the user. */
export interface CaptionProblem {
  rule: keyof typeof CAPTION_LIMITS;
  limit: number;
  actual: number;
}

/**
 * What Instagram would refuse in a caption (36004/2207010 over 2,200 characters or 30 hashtags,
 * 2207040 over 20 @mentions) and alt text (over 1,000 characters), checked before anything is
 * scheduled. Characters are counted as Unicode code points (an emoji is one); Meta does not
 * document its unit, and the Graph emulator counts the same way. [] when all is well.
 */
export function checkCaption(caption: string, altText = ''): CaptionProblem[] {
  const problems: CaptionProblem[] = [];
  const check = (rule: CaptionProblem['rule'], actual: number) => {
    if (actual > CAPTION_LIMITS[rule]) problems.push({ rule, limit: CAPTION_LIMITS[rule], actual });
  };
  check('length', [...caption].length);
  check('hashtags', (caption.match(/#[\p{L}\p{N}_]+/gu) ?? []).length);
  check('mentions', (caption.match(/(?<![\w.])@[A-Za-z0-9._]+/g) ?? []).length);
  check('altText', [...altText].length);
  return problems;
}
