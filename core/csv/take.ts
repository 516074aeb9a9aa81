/**
 * Reading the head of a stream before deciding how to read the rest (the CSV reader sniffs the
 * delimiter from the first characters; the contact importer sniffs the file type from the first
 * bytes). The caller replays `taken` ahead of whatever the iterator still holds.
 */

/**
 * Takes values from `iterator` until their total `size` reaches `want` or the iterator ends.
 * Returns the values taken and whether the iterator ended (then nothing is left to read).
 *
 *   const { taken, done } = await takeAtLeast(chunks, 4096, (s) => s.length);
 */
export async function takeAtLeast<T>(
	iterator: AsyncIterator<T> | Iterator<T>,
	want: number,
	size: (value: T) => number,
): Promise<{ taken: T[]; done: boolean }> {
	const taken: T[] = [];
	let length = 0;
	while (length < want) {
		const next = await iterator.next();
		if (next.done) return { taken, done: true };
		taken.push(next.value);
		length += size(next.value);
	}
	return { taken, done: false };
}
