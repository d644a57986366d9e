/**
 * The evaluator's one budget, and the limits no script may pass. Each statement
 * costs a step, and so does each unit of native work (an item or character
 * built or walked, a regex step; int arithmetic and conversions by their size),
 * charged before it is done. A statement takes ~0.1 µs and printing one list
 * item as long or longer (`str()` of 1M items takes ~2 s), so 1,000,000 steps
 * of any mix end within a second or two, and a script that hides its work in
 * a builtin (`str([l]*10**5)`, `''.join`, a backtracking regex) stops where a
 * loop doing it would.
 *
 * The evaluator is synchronous, so the budget of the script running now is
 * module state: helpers deep in values.ts charge it without carrying the
 * interpreter. Outside a script (xm reading the values it left) nothing is
 * charged and the size limits alone apply.
 */

/** A limit the script passed. Not a Python exception: `try` cannot catch it. */
export class LimitError extends Error {
  constructor(
    /** What Python would have raised. */
    readonly pyType: 'MemoryError' | 'RuntimeError',
    message: string,
  ) {
    super(message);
    this.name = 'LimitError';
  }
}

/** Longest list or string the interpreter builds; a config script never needs more. */
export const MAX_SEQUENCE = 10_000_000;

/** Largest int (in bits) the interpreter computes; real configs stay far below. */
export const MAX_INT_BITS = 1_000_000;

export class Budget {
  private steps = 0;

  constructor(readonly maxSteps: number) {}

  spend(steps: number): void {
    this.steps += steps;
    if (this.steps > this.maxSteps) throw new LimitError('RuntimeError', `script exceeded the limit of ${this.maxSteps} steps`);
  }
}

let current: Budget | null = null;

/** Runs `fn` with `budget` charged for native work. */
export function withBudget<T>(budget: Budget, fn: () => T): T {
  const outer = current;
  current = budget;
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/** Charges `steps` of native work to the running script. */
export function charge(steps: number): void {
  current?.spend(steps);
}

/**
 * A string or list about to reach `length` items: refused beyond MAX_SEQUENCE,
 * else the `built` items this operation makes or copies are charged.
 */
export function checkSize(length: number | bigint, built: number | bigint = length): void {
  if (length > MAX_SEQUENCE) throw new LimitError('MemoryError', `a string or list of ${length} items is over the limit of ${MAX_SEQUENCE}`);
  charge(Number(built));
}

/** An int of `bits` about to be made: refused beyond MAX_INT_BITS. */
export function checkBits(bits: number | bigint): void {
  if (bits > MAX_INT_BITS) throw new LimitError('MemoryError', `an int of ${bits} bits is over the limit of ${MAX_INT_BITS}`);
}

/** An int's size in bits (linear: toString(16) is V8's quickest way). */
export function bitLength(n: bigint): number {
  const hex = (n < 0n ? -n : n).toString(16);
  return n === 0n ? 0 : (hex.length - 1) * 4 + parseInt(hex[0]!, 16).toString(2).length;
}

const SMALL = 2n ** 53n;

/**
 * Charges arithmetic or a comparison on ints: free while they fit a double, then
 * linear in their size, and for a product or quotient (`product`) the product
 * of the sizes, as V8's algorithms cost.
 */
export function chargeInts(x: bigint, y: bigint, product = false): void {
  if (x > -SMALL && x < SMALL && y > -SMALL && y < SMALL) return;
  chargeBits(bitLength(x), bitLength(y), product);
}

/** An operation on ints of `bx` and `by` bits (10**300000 costs a squaring of half its size, ~20 ms). */
export function chargeBits(bx: number, by: number, product: boolean): void {
  charge((bx + by) / 16 + (product ? ((bx / 64) * (by / 64)) / 1000 : 0));
}

/**
 * Converting an int of `digits` digits to or from text: V8's conversions are
 * quadratic (300,000 decimal digits take ~50 ms), so they are charged as such.
 */
export function chargeDigits(digits: number, radix = 10): void {
  checkBits(Math.ceil(digits * Math.log2(radix)));
  charge(digits + (digits * digits) / 100_000);
}

/** An int as decimal text, charged. */
export function decimal(n: bigint): string {
  if (n <= -SMALL || n >= SMALL) chargeDigits(Math.ceil(bitLength(n) * Math.log10(2)));
  return n.toString();
}
