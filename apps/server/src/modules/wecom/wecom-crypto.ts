import crypto from 'node:crypto';
import { AppError } from '../../http/errors.ts';

// WeCom's callback security (企业微信 "加解密方案说明"; the official account's safe mode, 安全模式, is the same scheme
// with the appid as receive id) on node:crypto: a SHA1 over sorted strings and one AES-256-CBC
// decryption with PKCS#7 padding to 32 bytes (Node's own padding works in blocks of 16, so it is off). WeCom's npm
// package @wecom/crypto does the same arithmetic and the test fake encrypts with it, so the two are checked against
// each other; the server does not use it because its decrypt is lenient where a receiver must not be (a bad padding
// passes through, the length is not bounded, the receive id is handed back unchecked).

/** msg_signature = SHA1 of token, timestamp, nonce and the Encrypt field, sorted as strings and concatenated. */
export function wecomSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return crypto.createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

/** The 43-character EncodingAESKey is base64 without its "=": 32 bytes of AES key, whose first 16 are also the IV. */
export function aesKeyOf(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (encodingAesKey.length !== 43 || key.length !== 32) throw new AppError('VALIDATION_FAILED', 'EncodingAESKey must be 43 characters of base64', { errors: [{ field: 'encoding_aes_key', code: 'invalid', message: 'must be the 43 characters WeCom shows' }] });
  return key;
}

export interface CallbackSecrets {
  token: string;
  encodingAesKey: string;
  /** The corp id (WeCom) or the appid (official account): the only receive id the receiver's messages carry. */
  receiveId: string;
}

/**
 * Checks the signature, then decrypts: 16 random bytes, a 4-byte big-endian length, the message, the receive id.
 * A wrong signature, padding, length or receive id is refused with INVALID_SIGNATURE; nothing is parsed before.
 */
export function verifyAndDecrypt(secrets: CallbackSecrets, input: { msgSignature: string; timestamp: string; nonce: string; encrypt: string }): string {
  const expected = wecomSignature(secrets.token, input.timestamp, input.nonce, input.encrypt);
  if (!safeEqual(expected, input.msgSignature.toLowerCase())) throw refused('msg_signature does not match');
  const key = aesKeyOf(secrets.encodingAesKey);
  let plain: Buffer;
  try {
    const decipher = crypto.createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(Buffer.from(input.encrypt, 'base64')), decipher.final()]);
  } catch {
    throw refused('the message does not decrypt');
  }
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > 32 || pad > plain.length) throw refused('bad padding');
  const content = plain.subarray(0, plain.length - pad);
  if (content.length < 20) throw refused('message too short');
  const length = content.readUInt32BE(16);
  if (20 + length > content.length) throw refused('bad message length');
  const receiveId = content.subarray(20 + length).toString('utf8');
  if (receiveId !== secrets.receiveId) throw refused('the message is for another receiver');
  return content.subarray(20, 20 + length).toString('utf8');
}

function refused(why: string) {
  return new AppError('INVALID_SIGNATURE', `Callback refused: ${why}`);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
