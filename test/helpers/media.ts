/** Media test fixtures shared by the node and simulator tests. */

/**
 * A WebP file of `size` bytes whose VP8X header says animated or not (what Meta's sticker caps go
 * by: 100 KB static, 500 KB animated — core/messages/media.ts); the rest is filler.
 */
export function webp(size: number, animated: boolean): Buffer {
	const b = Buffer.alloc(size, 7);
	b.write('RIFF', 0, 'latin1');
	b.writeUInt32LE(size - 8, 4);
	b.write('WEBP', 8, 'latin1');
	b.write('VP8X', 12, 'latin1');
	b[20] = animated ? 0x02 : 0x00;
	return b;
}
