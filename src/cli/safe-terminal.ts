/**
 * `xm console --safe`: a guest's output with the escape sequences that act on the
 * administrator's terminal rather than draw on it taken out. OSC (window titles,
 * clipboard writes: OSC 52), DCS, APC, PM and SOS strings are dropped whole, and so
 * are the CSI requests a terminal answers by typing into the session (device
 * status and attributes, window reports); colours, cursor movement and erasing
 * pass, so a guest's shell and editors still work. A sequence split across chunks
 * is held until it is complete; an overlong one is dropped.
 */

const ESC = 0x1b;
const BEL = 0x07;
/** CSI finals the terminal answers: n (DSR, cursor position), c (device attributes), t (window ops and reports). */
const ANSWERED = new Set([0x6e, 0x63, 0x74]);
/** ESC ] (OSC), P (DCS), _ (APC), ^ (PM), X (SOS): strings up to BEL or ESC \. */
const STRINGS = new Set([0x5d, 0x50, 0x5f, 0x5e, 0x58]);
/** Longer than any CSI a terminal needs: the rest is dropped rather than held. */
const MAX_CSI = 64;

type State = 'ground' | 'escape' | 'csi' | 'overlong' | 'string' | 'stringEscape';

export class SafeTerminal {
  private state: State = 'ground';
  private held: number[] = [];

  /** The part of `chunk` (and of what was held) that may reach the terminal now. */
  push(chunk: Buffer): Buffer {
    const out: number[] = [];
    for (const byte of chunk) this.step(byte, out);
    return Buffer.from(out);
  }

  private step(byte: number, out: number[]): void {
    switch (this.state) {
      case 'ground':
        if (byte === ESC) this.begin('escape', byte);
        else out.push(byte);
        return;
      case 'escape':
        if (byte === 0x5b) {
          this.held.push(byte);
          this.state = 'csi';
        } else if (STRINGS.has(byte)) {
          this.drop('string');
        } else {
          // A two-byte escape (ESC 7, ESC M …): harmless, passed on.
          out.push(...this.held, byte);
          this.drop('ground');
        }
        return;
      case 'csi':
        this.held.push(byte);
        if (byte >= 0x40 && byte <= 0x7e) {
          if (!ANSWERED.has(byte)) out.push(...this.held);
          this.drop('ground');
        } else if (this.held.length > MAX_CSI) {
          this.drop('overlong');
        }
        return;
      case 'overlong':
        if (byte >= 0x40 && byte <= 0x7e) this.state = 'ground';
        return;
      case 'string':
        if (byte === BEL) this.state = 'ground';
        else if (byte === ESC) this.state = 'stringEscape';
        return;
      case 'stringEscape':
        // ESC \ ends the string; an ESC followed by anything else is still inside it.
        this.state = byte === 0x5c ? 'ground' : byte === ESC ? 'stringEscape' : 'string';
        return;
    }
  }

  private begin(state: State, byte: number): void {
    this.state = state;
    this.held = [byte];
  }

  private drop(state: State): void {
    this.state = state;
    this.held = [];
  }
}
