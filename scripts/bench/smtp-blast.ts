// The raw SMTP baseline of the broadcast benchmark: nodemailer's pooled transport, as Hearth's email channel
// configures it (5 connections), sends BLAST_COUNT messages of a broadcast's size to the bench's SMTP server
// as fast as the server takes them. Prints {"seconds": …} when the last one is accepted.
import nodemailer from 'nodemailer';

const count = Number(process.env.BLAST_COUNT);
const transport = nodemailer.createTransport({ pool: true, maxConnections: 5, host: '127.0.0.1', port: Number(process.env.BLAST_PORT), ignoreTLS: true, secure: false });
const body = `<p>${'秋冬新品上市，会员专享 8 折。'.repeat(8)}</p>`;
// Enough in flight to keep every pooled connection busy without queuing the whole run in memory.
const IN_FLIGHT = 50;
let next = 0;
const started = performance.now();
const sender = async () => {
  for (let i = next++; i < count; i = next++) {
    await transport.sendMail({ from: 'Hearth 会员中心 <noreply@brand.test>', to: `blast${i}@bench.test`, subject: '秋冬新品上市', html: body, messageId: `<blast-${i}@brand.test>` });
  }
};
await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000 }));
transport.close();
