import { WaIdTable } from '../../core/contacts/waIdTable';

test('set / get / has across growth, 15-digit keys, values overwrite', () => {
	const t = new WaIdTable(4);
	const ids: string[] = [];
	for (let i = 0; i < 5000; i++) ids.push(String(100000000000000 + i * 7919));
	ids.forEach((id, i) => t.set(id, i % 4));
	expect(t.size).toBe(5000);
	ids.forEach((id, i) => expect(t.get(id)).toBe(i % 4));
	expect(t.has('919876543210')).toBe(false);
	expect(t.get('919876543210')).toBeUndefined();
	t.set(ids[0], 3);
	expect(t.get(ids[0])).toBe(3);
	expect(t.size).toBe(5000);
	expect(() => t.set('12ab', 1)).toThrow(/not a digits-only phone number/);
});
