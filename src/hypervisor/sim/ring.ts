/** Xen's console ring: a bounded buffer of hypervisor messages (16 KiB like conring). */
export class MessageRing {
  constructor(
    private text: string,
    private readonly limit = 16 * 1024,
  ) {}

  append(line: string): void {
    this.text += line.endsWith('\n') ? line : `${line}\n`;
    if (this.text.length > this.limit) {
      const cut = this.text.indexOf('\n', this.text.length - this.limit);
      this.text = this.text.slice(cut + 1);
    }
  }

  contents(): string {
    return this.text;
  }

  clear(): string {
    const old = this.text;
    this.text = '';
    return old;
  }
}
