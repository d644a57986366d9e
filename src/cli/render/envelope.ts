/** Every JSON document xm prints, on a line of its own, with the schema's version first (docs/json.md). */
export const envelope = (doc: object): string => `${JSON.stringify({ version: 1, ...doc })}\n`;
