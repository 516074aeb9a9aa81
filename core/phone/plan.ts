/**
 * Compiled numbering plans (libphonenumber "max" metadata) with their regular expressions built
 * once per country and cached. libphonenumber-js rebuilds a RegExp on every match; the import runs
 * this per CSV row (1M rows), so the hot path classifies against these cached expressions instead.
 * The classification logic mirrors libphonenumber-js `getNumberType` / `isValid` exactly; anything
 * the fast path cannot decide falls back to the library (normalize.ts).
 */
import { Metadata } from 'libphonenumber-js/core';
import type { MetadataJson } from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/metadata.max.json';

export const METADATA: MetadataJson = metadataJson;

/** Number types as reported by normalizePhone (libphonenumber's names, lower-cased). */
export type PhoneType =
	| 'mobile'
	| 'fixed_line'
	| 'fixed_line_or_mobile'
	| 'voip'
	| 'toll_free'
	| 'premium_rate'
	| 'shared_cost'
	| 'personal_number'
	| 'pager'
	| 'uan'
	| 'voicemail'
	| 'unknown';

interface TypeRule {
	type: PhoneType;
	re: RegExp;
	lengths?: number[];
}

export interface CompiledPlan {
	country: string;
	callingCode: string;
	national: RegExp;
	leading?: RegExp;
	nationalPrefix?: string;
	/**
	 * True when national prefix parsing is more than stripping `nationalPrefix` (carrier codes,
	 * transform rules: AR, BR, MX…): national input that the fast path rejects then goes to the library.
	 */
	complexNationalPrefix: boolean;
	/** Possible lengths of a national significant number (all types). */
	lengths: number[];
	fixed?: TypeRule;
	/** MOBILE rule; `mobileAbsentOrEmpty` when the plan has no separate mobile pattern. */
	mobile?: TypeRule;
	mobileAbsentOrEmpty: boolean;
	/** Non-fixed types in libphonenumber's order (MOBILE first). */
	others: TypeRule[];
	hasTypes: boolean;
}

/** The parts of libphonenumber-js's (untyped) NumberingPlan used here. */
interface RawType {
	pattern(): string;
	possibleLengths(): number[] | undefined;
}
interface RawPlan {
	callingCode(): string;
	nationalNumberPattern(): string;
	nationalPrefix(): string | undefined;
	nationalPrefixForParsing(): string | undefined;
	nationalPrefixTransformRule(): string | undefined;
	possibleLengths(): number[] | undefined;
	leadingDigits(): string | undefined;
	hasTypes(): boolean;
	type(name: string): RawType | undefined;
}

const NON_FIXED = ['MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];

const metadata = new Metadata(METADATA);
const plans = new Map<string, CompiledPlan | null>();

function anchored(pattern: string): RegExp {
	return new RegExp('^(?:' + pattern + ')$');
}

function rule(raw: RawPlan, name: string): TypeRule | undefined {
	const t = raw.type(name);
	if (!t || !t.pattern()) return undefined;
	return { type: name.toLowerCase() as PhoneType, re: anchored(t.pattern()), lengths: t.possibleLengths() };
}

/** The compiled plan of an ISO country (e.g. 'IN'), or undefined for an unknown country. */
export function planFor(country: string): CompiledPlan | undefined {
	let plan = plans.get(country);
	if (plan === undefined) {
		plan = null;
		if (Object.prototype.hasOwnProperty.call(METADATA.countries, country)) {
			metadata.selectNumberingPlan(country as never);
			const raw = metadata.numberingPlan as unknown as RawPlan;
			const mobileRaw = raw.type('MOBILE');
			const leading = raw.leadingDigits();
			const prefix = raw.nationalPrefix() || undefined;
			const forParsing = raw.nationalPrefixForParsing() || undefined;
			plan = {
				country,
				callingCode: raw.callingCode(),
				national: anchored(raw.nationalNumberPattern()),
				leading: leading ? new RegExp('^(?:' + leading + ')') : undefined,
				nationalPrefix: prefix,
				complexNationalPrefix: Boolean(raw.nationalPrefixTransformRule()) || (forParsing !== undefined && forParsing !== prefix),
				lengths: raw.possibleLengths() ?? [],
				fixed: rule(raw, 'FIXED_LINE'),
				mobile: rule(raw, 'MOBILE'),
				mobileAbsentOrEmpty: !mobileRaw || mobileRaw.pattern() === '',
				others: NON_FIXED.map((name) => rule(raw, name)).filter((r): r is TypeRule => r !== undefined),
				hasTypes: raw.hasTypes(),
			};
		}
		plans.set(country, plan);
	}
	return plan ?? undefined;
}

function matchesType(nn: string, r: TypeRule | undefined): boolean {
	if (!r) return false;
	if (r.lengths && r.lengths.indexOf(nn.length) < 0) return false;
	return r.re.test(nn);
}

/** libphonenumber's getNumberType on a compiled plan; undefined = not a valid number there. */
export function classify(plan: CompiledPlan, nn: string): PhoneType | undefined {
	if (!plan.national.test(nn)) return undefined;
	if (!plan.hasTypes) return 'unknown';
	if (matchesType(nn, plan.fixed)) {
		if (plan.mobileAbsentOrEmpty || matchesType(nn, plan.mobile)) return 'fixed_line_or_mobile';
		return 'fixed_line';
	}
	for (const r of plan.others) if (matchesType(nn, r)) return r.type;
	return undefined;
}

/** ISO countries sharing an international calling code (main country first), or undefined. */
export function countriesForCallingCode(callingCode: string): string[] | undefined {
	const list = (METADATA.country_calling_codes as Record<string, string[] | undefined>)[callingCode];
	return list && list.length > 0 ? list : undefined;
}

export interface Resolved {
	country: string;
	callingCode: string;
	nationalNumber: string;
	type: PhoneType;
}

/**
 * The country and type of a national significant number under a calling code, the way
 * libphonenumber-js picks among countries sharing the code (leading digits, else validity).
 * `preferred` (the default country) is tried first.
 */
export function resolve(callingCode: string, nn: string, preferred?: CompiledPlan): Resolved | undefined {
	if (preferred && preferred.callingCode === callingCode) {
		const type = classify(preferred, nn);
		if (type) return { country: preferred.country, callingCode, nationalNumber: nn, type };
	}
	const countries = countriesForCallingCode(callingCode);
	if (!countries) return undefined;
	for (const country of countries) {
		const plan = planFor(country);
		if (!plan || plan === preferred) continue;
		if (countries.length > 1 && plan.leading) {
			if (!plan.leading.test(nn)) continue;
			const type = classify(plan, nn);
			return type ? { country, callingCode, nationalNumber: nn, type } : undefined;
		}
		const type = classify(plan, nn);
		if (type) return { country, callingCode, nationalNumber: nn, type };
	}
	return undefined;
}

/** International digits (no '+') → resolved number, trying 1-, 2- and 3-digit calling codes. */
export function resolveInternational(digits: string, preferred?: CompiledPlan): Resolved | undefined {
	for (let len = 1; len <= 3 && len < digits.length; len++) {
		const cc = digits.slice(0, len);
		if (countriesForCallingCode(cc)) return resolve(cc, digits.slice(len), preferred);
	}
	return undefined;
}
