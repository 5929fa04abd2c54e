/**
 * Shared memory for the blocks of one write on their way to the block writer thread. Encoding
 * straight into a SharedArrayBuffer means nothing is allocated or transferred per write: the
 * thread reads the bytes where they are, SQLite copies them, and the arena is reused. (Blocks
 * in ordinary buffers live until each thread's garbage collector gets to them: tens of MB.)
 */
export class BlockArena {
  private readonly memory: Buffer;
  private used = 0;

  constructor(readonly bytes: number) {
    this.memory = Buffer.from(new SharedArrayBuffer(bytes));
  }

  /** Zero-filled memory for one block, or an ordinary buffer when the arena is full. */
  alloc(n: number): Buffer {
    const at = (this.used + 7) & ~7;
    if (at + n > this.bytes) return Buffer.alloc(n);
    this.used = at + n;
    return this.memory.subarray(at, at + n).fill(0);
  }

  /** Forget every block (their writes have committed). */
  reset(): void {
    this.used = 0;
  }
}

/** A few arenas for writes in flight at once; more writes than that use ordinary buffers. */
export class ArenaPool {
  private readonly free: BlockArena[] = [];
  private made = 0;

  constructor(
    private readonly arenaBytes = 32 * 1024 * 1024,
    private readonly max = 2,
  ) {}

  acquire(): BlockArena | null {
    const a = this.free.pop();
    if (a) return a;
    if (this.made >= this.max) return null;
    this.made++;
    return new BlockArena(this.arenaBytes);
  }

  release(a: BlockArena | null): void {
    if (!a) return;
    a.reset();
    this.free.push(a);
  }
}
