export * from './secret-box';

/** The process's SecretBox (from SECRET_KEY), bound by the DatabaseModule. */
export const SECRET_BOX = Symbol.for('cvf.SecretBox');
