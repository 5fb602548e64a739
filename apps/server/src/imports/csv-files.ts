import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import iconv from 'iconv-lite';
import { AppError } from '../http/errors.ts';

// What member, order and later imports share: an uploaded CSV goes to the data folder as it streams in,
// is decoded (UTF-8 or the GBK family Excel writes in China) and parsed row by row with line numbers, and
// its rejected rows come back as a CSV Excel opens in Chinese.

export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

/** Streams an upload to `<dataDir>/imports/<tenant>/<id>.csv`, never whole in memory, at most 1 GB. */
export async function saveUpload(dataDir: string, tenantId: string, id: string, upload: Readable): Promise<{ filePath: string; bytes: number }> {
  const dir = path.join(dataDir, 'imports', tenantId);
  await fs.promises.mkdir(dir, { recursive: true });
  const filePath = path.join(dir, `${id}.csv`);
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > MAX_IMPORT_BYTES) callback(new AppError('PAYLOAD_TOO_LARGE', 'An import file may be at most 1 GB'));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(upload, limit, fs.createWriteStream(filePath));
  } catch (error) {
    await fs.promises.rm(filePath, { force: true });
    throw error;
  }
  if (bytes === 0) {
    await fs.promises.rm(filePath, { force: true });
    throw new AppError('VALIDATION_FAILED', 'The file is empty', { errors: [{ field: 'body', code: 'empty', message: 'send a CSV file' }] });
  }
  return { filePath, bytes };
}

/** UTF-8 (with or without BOM) unless the first 64 KB are not valid UTF-8; then GB18030, the superset of GBK Excel writes. */
export async function detectEncoding(file: string): Promise<'utf8' | 'gb18030'> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    // Cut at the last newline so a multi-byte character split by the window does not look invalid.
    const sample = buffer.subarray(0, bytesRead);
    const cut = bytesRead === buffer.length ? sample.lastIndexOf(10) : bytesRead;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, cut > 0 ? cut : bytesRead));
      return 'utf8';
    } catch {
      return 'gb18030';
    }
  } finally {
    await handle.close();
  }
}

/** Lines after the header, counted without parsing, so progress has a total from the start. */
export async function countDataLines(file: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    last = chunk[chunk.length - 1] ?? last;
  }
  if (last !== 10) lines++;
  return Math.max(0, lines - 1);
}

/** The file's rows as records keyed by normalized header, each with the line it ends on. */
export function csvRecords(file: string, encoding: 'utf8' | 'gb18030', normalizeHeader: (header: string) => string): AsyncIterable<{ record: Record<string, string>; info: { lines: number } }> {
  const source = fs.createReadStream(file);
  const decoded = encoding === 'gb18030' ? source.pipe(iconv.decodeStream('gb18030')) : source;
  return decoded.pipe(parse({ bom: true, columns: (header: string[]) => header.map(normalizeHeader), relax_column_count: true, skip_empty_lines: true, trim: true, info: true }));
}

export interface ImportError {
  line: number;
  field: string;
  code: string;
  message: string;
}

/** Rejected rows as CSV lines (UTF-8 with BOM, so Excel opens it in Chinese), fetched page by page after a line. */
export async function* errorsCsv(page: (afterLine: number) => Promise<ImportError[]>): AsyncGenerator<string> {
  yield '\uFEFFline,field,code,message\n';
  let after = 0;
  for (;;) {
    const rows = await page(after);
    if (rows.length === 0) return;
    yield rows.map((r) => [r.line, r.field, r.code, r.message].map(csvCell).join(',')).join('\n') + '\n';
    after = rows[rows.length - 1]!.line;
  }
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Answers with a CSV streamed from `lines`. The first chunk is pulled before answering, so an unknown
 * resource (the generator throws) is a clean 404 rather than a broken download.
 */
export async function sendCsv(reply: FastifyReply, lines: AsyncGenerator<string>, fileName: string) {
  const first = await lines.next();
  const rest = Readable.from(
    (async function* () {
      if (!first.done) yield first.value;
      yield* lines;
    })(),
  );
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${fileName}"`).send(rest);
}

/** Upload routes take `text/csv` bodies as raw streams (saved to disk), not strings parsed into memory. */
export function acceptCsvStreams(scope: FastifyInstance) {
  scope.removeContentTypeParser('text/csv');
  scope.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
}

export function csvUploadStream(request: FastifyRequest): Readable {
  if (!String(request.headers['content-type'] ?? '').startsWith('text/csv') || !(request.body instanceof Readable)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as Content-Type: text/csv');
  }
  return request.body;
}
