/**
 * Instagram's rules for a feed image (IG User Media reference, "Image specifications"): JPEG,
 * under 8 MiB, aspect ratio from 4:5 to 1.91:1, width 320–1440 px (Instagram scales outside it).
 */
export const INSTAGRAM_IMAGE_RULES = {
  /** Strictly less than this (error 36000: "less than 8 MiB"). */
  maxBytes: 8 * 1024 * 1024,
  minRatio: 4 / 5,
  maxRatio: 1.91,
  minWidth: 320,
  maxWidth: 1440,
} as const;

/** The input formats InstaPost accepts from users (anything else gets a message naming these). */
export const ACCEPTED_IMAGE_FORMATS = ['jpeg', 'png', 'webp'] as const;
