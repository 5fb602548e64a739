/** Typed text as a LIKE pattern that matches it literally: `%`, `_` and `\` in it are escaped. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Rows whose column contains the text (with ilike: in any case). */
export const containsPattern = (text: string) => `%${literal(text)}%`;

/** Rows whose column starts with the text. */
export const prefixPattern = (text: string) => `${literal(text)}%`;
