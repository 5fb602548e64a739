import crypto from 'node:crypto';
import { AppError } from './http/errors.ts';

/**
 * Seals a secret for storage with AES-256-GCM under HEARTH_SECRETS_KEY: a database dump or backup alone
 * does not reveal payment keys. Format: v1.<iv>.<tag>.<ciphertext>, base64url.
 */
export function sealSecret(key: Buffer | undefined, plain: string): string {
  if (!key) throw new AppError('SECRETS_KEY_MISSING', 'Set HEARTH_SECRETS_KEY to store provider credentials');
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function openSecret(key: Buffer | undefined, sealed: string): string {
  if (!key) throw new AppError('SECRETS_KEY_MISSING', 'Set HEARTH_SECRETS_KEY to use stored provider credentials');
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unknown sealed secret format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
