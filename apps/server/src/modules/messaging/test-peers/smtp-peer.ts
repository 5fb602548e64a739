import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1 for tests. It keeps every mail it accepted (`raw`) and, like a receiving
 * server that honours Message-ID, counts a repeated Message-ID as a duplicate (`unique`).
 */
export async function startSmtpPeer(options: { port?: number } = {}) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const messageId = /^message-id:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';
        received.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  // smtp-server re-emits every connection's socket error on the server. A sender killed mid-session (the
  // kill -9 test) resets its socket; a real mail server drops that session and carries on, so does this one
  // instead of failing the test run with an uncaught ECONNRESET.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    received,
    /** Distinct Message-IDs accepted: what the mailbox shows after dedupe. */
    unique: () => new Set(received.map((m) => m.messageId)),
    settings: { host: '127.0.0.1', port, from: 'Hearth 会员中心 <noreply@brand.test>', starttls: 'off' },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
