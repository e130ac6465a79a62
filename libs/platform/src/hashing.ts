import { createHash } from 'node:crypto';

/** sha256 of a UTF-8 text as hex: the hash derived payment ids are built with (libs/domain). */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
