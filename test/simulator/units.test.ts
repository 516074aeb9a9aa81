/** Unit tests of the building blocks: fake clock, sliding window, rolling unique recipients, tier labels, template rules. */
import { FakeClock } from '../../simulator/clock';
import { RollingUniqueRecipients, SlidingWindow, tierLabel } from '../../simulator/limits';
import { Rng } from '../../simulator/rng';
import { extractVariables } from '../../simulator/template-rules';
import { validateTemplateBody } from '../../simulator/template-validate';
import { positionalTemplate } from '../templates/fixtures';

describe('FakeClock', () => {
	it('fires timers in time order on advance, including timers scheduled by timers', () => {
		const c = new FakeClock({ frozen: true, start: 1_000_000 });
		const fired: string[] = [];
		c.setTimeout(() => fired.push('b'), 200);
		c.setTimeout(() => {
			fired.push('a');
			c.setTimeout(() => fired.push('a2'), 50);
		}, 100);
		const h = c.setTimeout(() => fired.push('x'), 120);
		h.cancel();
		c.advance(99);
		expect(fired).toEqual([]);
		c.advance(200);
		expect(fired).toEqual(['a', 'a2', 'b']);
		expect(c.now()).toBe(1_000_299);
		c.dispose();
	});

	it('stays put while frozen and flows when unfrozen', async () => {
		const c = new FakeClock({ frozen: true });
		const t0 = c.now();
		await new Promise((r) => setTimeout(r, 20));
		expect(c.now()).toBe(t0);
		c.unfreeze();
		await new Promise((r) => setTimeout(r, 20));
		expect(c.now()).toBeGreaterThan(t0);
		c.dispose();
	});
});

describe('SlidingWindow', () => {
	it('caps events in any 1 s window and tracks the max observed', () => {
		const w = new SlidingWindow(1000);
		for (let i = 0; i < 3; i++) w.add(1000 + i);
		expect(w.full(1500, 3)).toBe(true);
		expect(w.full(2000, 3)).toBe(false); // first event (t=1000) left the window (1000, 2000]
		expect(w.count(2001)).toBe(1);
		expect(w.maxObserved).toBe(3);
		expect(w.full(2001, 0)).toBe(false); // 0 = no cap
		for (let i = 0; i < 200; i++) w.add(5000); // grows past its initial capacity
		expect(w.count(5000)).toBe(200);
	});
});

describe('RollingUniqueRecipients', () => {
	it('counts unique recipients in the rolling window', () => {
		const r = new RollingUniqueRecipients(24 * 3600 * 1000);
		r.add('a', 0);
		r.add('a', 10);
		r.add('b', 1000);
		expect(r.count(2000)).toBe(2);
		expect(r.count(24 * 3600 * 1000)).toBe(1);
		expect(r.has('b', 24 * 3600 * 1000)).toBe(true);
		expect(r.count(24 * 3600 * 1000 + 1000)).toBe(0);
	});
});

it('tier labels follow Meta’s names', () => {
	expect([250, 1000, 2000, 10000, 100000, Infinity].map(tierLabel)).toEqual(['TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']);
});

it('Rng is deterministic per seed', () => {
	const seq = (s: number) => Array.from({ length: 5 }, ((r) => () => r.next())(new Rng(s)));
	expect(seq(1)).toEqual(seq(1));
	expect(seq(1)).not.toEqual(seq(2));
});

describe('template rules', () => {
	it('extracts positional and named variables', () => {
		expect(extractVariables('Hi {{1}} and {{ first_name }}').map((v) => v.name)).toEqual(['1', 'first_name']);
	});
	it('accepts a full valid template and lists each problem of a bad one', () => {
		// The template tests' full positional template: header, body, footer, quick replies, phone and URL buttons.
		expect(validateTemplateBody(positionalTemplate())).toEqual([]);
		const problems = validateTemplateBody({ name: 'X', language: 'english', category: 'UTILITY', components: [{ type: 'HEADER', format: 'GIF' }] });
		expect(problems).toEqual([
			'name may only contain lowercase letters, digits and underscores',
			'language is required and must be a language code such as en_US',
			'components[0].format must be one of TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION',
			'components must include a BODY',
		]);
	});
	it('authentication templates need exactly one OTP button', () => {
		const auth = (buttons: unknown[]) => ({ name: 'otp', language: 'en', category: 'AUTHENTICATION', components: [{ type: 'BODY', add_security_recommendation: true }, { type: 'BUTTONS', buttons }] });
		expect(validateTemplateBody(auth([{ type: 'OTP', otp_type: 'COPY_CODE' }]))).toEqual([]);
		expect(validateTemplateBody(auth([{ type: 'QUICK_REPLY', text: 'x' }]))).toEqual(['components[1] (BUTTONS): an AUTHENTICATION template needs exactly one OTP button']);
	});
});
