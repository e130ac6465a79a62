import { createHash } from 'node:crypto';

/** sha256 of a UTF-8 text as hex: the hash derived payment ids are built with (libs/domain). */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** sha256 of a UTF-8 text as bytes: what API keys are stored and compared as. */
export const sha256Bytes = (text: string): Buffer => createHash('sha256').update(text).digest();
