import { currencyExponent, paymentTable } from '@cvf/domain';
import { ValidationError } from '@cvf/domain';
import {
  InvalidRowsError,
  MalformedRequestError,
  PayloadTooLargeError,
  readCsvRows,
  UnsupportedMediaTypeError,
  type TableIssue,
} from '@cvf/platform';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FilePaymentIds, PaymentColumns, sumBeyondExactRange } from './payment-rows';

export interface PaymentsFile {
  /** Sanitised name of the uploaded file, for `source_ref`. */
  readonly name: string;
  readonly rows: PaymentColumns;
  /** sha256 of the file's bytes, as uploaded: what makes two uploads the same request. */
  readonly sha256: string;
}

/** The file part of a multipart request: 415 for another media type, 400 without a file. */
export async function filePart(
  request: FastifyRequest,
  limitBytes: number,
): Promise<MultipartFile> {
  if (!request.isMultipart()) {
    throw new UnsupportedMediaTypeError(
      'send the CSV file as multipart/form-data (a part named "file")',
    );
  }
  let part: MultipartFile | undefined;
  try {
    part = await request.file({ limits: { fileSize: limitBytes } });
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status < 500) throw error;
    throw new MalformedRequestError(`malformed multipart body: ${(error as Error).message}`);
  }
  if (part === undefined) {
    throw ValidationError.of('file', 'a CSV file part is required');
  }
  return part;
}

class UploadTooLarge extends Error {}

/**
 * Streams the file through the payments table spec and assigns payment ids, keeping the
 * valid rows compactly. Every row is read (so the count of bad rows is complete); any bad
 * row makes the whole file a 400 listing the first 100 of them, and a file above the limit
 * a 413, as soon as the limit is reached.
 */
export async function readPaymentsFile(
  part: MultipartFile,
  limitBytes: number,
  /** The company's: a row naming another currency is a row error. */
  currency: string,
): Promise<PaymentsFile> {
  const rows = new PaymentColumns(currency);
  const ids = new FilePaymentIds();
  part.file.once('limit', () => part.file.destroy(new UploadTooLarge()));
  const digest = createHash('sha256');
  const hashed = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      digest.update(chunk);
      done(null, chunk);
    },
  });
  // pipeline: an error of the upload (the limit, a broken connection) ends the parse too.
  const piped = pipeline(part.file, hashed).catch(() => undefined);
  let read: { issues: readonly TableIssue[]; issueCount: number };
  /** Σ of the rows kept: every cohort sum of them stays exact while it does. */
  let total = 0;
  try {
    read = await readCsvRows(hashed, paymentTable(currencyExponent(currency)), (payment, row) => {
      if (payment.currency !== null && payment.currency !== currency) {
        return [
          {
            column: 'currency',
            reason: `is ${payment.currency}; the company's amounts are in ${currency}`,
          },
        ];
      }
      const assigned = ids.assign(payment, row);
      if ('issues' in assigned) return assigned.issues;
      const sum = total + payment.amountCents;
      if (!Number.isSafeInteger(sum)) {
        return [{ column: 'amount', reason: sumBeyondExactRange(currency) }];
      }
      total = sum;
      rows.push(row, payment, assigned.id);
    });
  } catch (error) {
    if (error instanceof UploadTooLarge || part.file.truncated) throw tooLarge(limitBytes);
    // The multipart body broke off (no closing boundary, a client that hung up): the
    // request's fault, and nothing was recorded.
    const broken = part.file.errored ?? hashed.errored;
    if (broken !== null && !(error instanceof ValidationError)) {
      throw new MalformedRequestError(
        `the upload ended before its multipart body did (${broken.message}); nothing was recorded`,
      );
    }
    throw error;
  }
  await piped;
  if (part.file.truncated) throw tooLarge(limitBytes);
  if (read.issueCount > 0) {
    const shown = read.issues.length;
    throw new InvalidRowsError(
      `${read.issueCount} problem${read.issueCount === 1 ? '' : 's'} in the file` +
        `${read.issueCount > shown ? ` (the first ${shown} listed)` : ''}; nothing was recorded`,
      read.issues,
      read.issueCount,
    );
  }
  return { name: sanitisedName(part.filename), rows, sha256: digest.digest('hex') };
}

function tooLarge(limitBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `the file is larger than the upload limit of ${limitBytes} bytes; split it into smaller files`,
    limitBytes,
  );
}

/** Enough of the name to find the file again, and nothing that could not be stored. */
function sanitisedName(filename: string): string {
  const name = filename
    .replace(/[^A-Za-z0-9._ -]/g, '_')
    .slice(0, 100)
    .trim();
  return name === '' ? 'upload.csv' : name;
}
