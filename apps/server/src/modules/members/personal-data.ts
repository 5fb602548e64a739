import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Phone numbers are stored in E.164. An 11-digit number without a country code is a mainland mobile
 * (+86), which is how Chinese customers and POS systems write them.
 */
export function normalizePhone(input: string): string | undefined {
  const compact = input.replace(/[\s()-]/g, '');
  const parsed = parsePhoneNumberFromString(compact, 'CN');
  if (!parsed || !parsed.isValid()) return undefined;
  return parsed.number;
}

/** 138****1234 for mainland mobiles; otherwise keep the country code, first 3 and last 4 digits. */
export function maskPhone(e164: string): string {
  const national = e164.startsWith('+86') ? e164.slice(3) : e164;
  if (national.length <= 7) return `${national.slice(0, 1)}****`;
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}

/** a***@example.com */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
