import { encrypt, getSignature } from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { newEncodingAesKey } from './test-peers/wecom-fake.ts';
import { verifyAndDecrypt } from './wecom-crypto.ts';

// The receiver's checks against WeCom's own library; the HTTP flow is in wecom.test.ts.
describe('WeCom callback crypto', () => {
  const key = newEncodingAesKey();
  const secrets = { token: 'Tok3n', encodingAesKey: key, receiveId: 'wwCorp01' };
  const signed = (encrypted: string, token = secrets.token) => ({ msgSignature: getSignature(token, '1732330000', 'n0nce', encrypted), timestamp: '1732330000', nonce: 'n0nce', encrypt: encrypted });

  it('decrypts what WeCom encrypts, any length (padding to 32 bytes, multi-byte text)', () => {
    for (const message of ['', 'a', '<xml><Event>change_external_contact</Event></xml>', '会员'.repeat(40), 'x'.repeat(31), 'x'.repeat(32)]) {
      expect(verifyAndDecrypt(secrets, signed(encrypt(key, message, secrets.receiveId)))).toBe(message);
    }
  });

  it('refuses a wrong signature, token, key or receive id, and a tampered ciphertext', () => {
    const good = encrypt(key, '<xml/>', secrets.receiveId);
    expect(() => verifyAndDecrypt(secrets, { ...signed(good), msgSignature: '0'.repeat(40) })).toThrow(/msg_signature/);
    expect(() => verifyAndDecrypt(secrets, signed(good, 'other'))).toThrow(/msg_signature/);
    expect(() => verifyAndDecrypt({ ...secrets, encodingAesKey: newEncodingAesKey() }, signed(good))).toThrow(/refused/);
    expect(() => verifyAndDecrypt(secrets, signed(encrypt(key, '<xml/>', 'wwOtherCorp')))).toThrow(/another receiver/);
    const bytes = Buffer.from(good, 'base64');
    bytes[bytes.length - 20]! ^= 0xff;
    expect(() => verifyAndDecrypt(secrets, signed(bytes.toString('base64')))).toThrow(/refused/);
  });
});
